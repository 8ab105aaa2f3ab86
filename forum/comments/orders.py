"""The orders a thread's top-level comments can be read in (?order=), ranked in SQL.

Replies always stay under their parent, oldest first; only the top-level comments (the
"roots") are ranked, so pages of roots keep working and a page still costs a fixed number
of statements whatever its order.

- oldest (the default): the order comments were posted in. It stays the default because
  the thread reads as a conversation, a link to a comment (`page_of`) always finds its
  page, and "best" is offered one click away.
- newest: the latest first.
- best: the Wilson score lower bound (95 %) of the share of people who found a comment
  helpful. There is no "not helpful" button, so the number of people who judged it is a
  proxy: everyone who marked any comment of this thread helpful after this comment was
  posted. They read the thread while it was there, and either marked it or not. This is
  what Wilson needs: an old comment marked by 5 of the 40 people who voted since is
  ranked below a newer one marked by 4 of the 5 who voted since, where a plain count
  would keep the old one on top for ever. Ties: more votes first, then the oldest.
- sides: "for" and "against" side by side (ranked as "best"), neutral and unaligned
  comments after them; replies are loaded only for the one root a reader opens.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Select, case, cast, distinct, func, select

from forum.comments.models import Comment, CommentVote

ORDERS = ("oldest", "newest", "best", "sides")
DEFAULT_ORDER = "oldest"
Z = 1.96  # the normal quantile of a 95 % two-sided interval


def order_or_default(value: str | None) -> str:
    """Return `value` if it names an order, else the default one."""
    return value if value in ORDERS else DEFAULT_ORDER


def wilson_lower_bound(positive: float, total: float, z: float = Z) -> float:
    """Return the Wilson score lower bound of `positive` out of `total` (0 when none)."""
    if total <= 0:
        return 0.0
    total = max(total, positive)
    spread = z * (positive * (total - positive) / total + z * z / 4) ** 0.5
    return (positive + z * z / 2 - spread) / (total + z * z)


def _wilson_sql(positive, total) -> Any:
    """The same bound as `wilson_lower_bound`, as an SQL expression over two columns."""
    k = cast(positive, Float)
    n = case((total < positive, k), else_=cast(total, Float))
    spread = Z * func.sqrt(k * (n - k) / n + Z * Z / 4)
    return case((total == 0, 0.0), else_=(k + Z * Z / 2 - spread) / (n + Z * Z))


def _judges() -> Any:
    """Count the people who marked any comment of the thread since the comment appeared."""
    return (select(func.count(distinct(CommentVote.user_id)))
            .where(CommentVote.proposal_id == Comment.proposal_id,
                   CommentVote.created_at >= Comment.created_at)
            .correlate(Comment).scalar_subquery())


def ranked_roots(proposal_id: int, order: str) -> Select:
    """Select the thread's top-level comment ids with their `position` in `order`."""
    top_level = (Comment.proposal_id == proposal_id, Comment.parent_id.is_(None))
    if order in ("best", "sides"):
        scored = (select(Comment.id, Comment.helpful_count.label("positive"),
                         _judges().label("judged")).where(*top_level).subquery())
        keys: tuple[Any, ...] = (_wilson_sql(scored.c.positive, scored.c.judged).desc(),
                                 scored.c.positive.desc(), scored.c.id)
        return select(scored.c.id, func.row_number().over(order_by=keys).label("position"))
    newest_first = Comment.id.desc() if order == "newest" else Comment.id
    return select(Comment.id, func.row_number().over(order_by=newest_first)
                  .label("position")).where(*top_level)
