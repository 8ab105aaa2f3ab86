"""Posting, editing, deleting and reading threaded comments; writers commit.

What else their commits do (hooks installed by `create_app`): a new or changed text owes
its translations into every other language and rewrites its search documents in the same
transaction (machine_translation.outbox); a change readers can see bumps the HTTP cache's
content version after the commit (caching); notifications, and the e-mails they owe,
are written in the same transaction (notifications).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update

from forum.comments import orders
from forum.comments.models import Alignment, Comment, path_segment
from forum.content import validation
from forum.content.render import render_markdown
from forum.db import db, utcnow
from forum.items import ItemKind
from forum.notifications import service as notifications
from forum.pagination import Page, paginate, within
from forum.processes import rules as phases
from forum.processes.models import Action
from forum.proposals.models import Proposal


def _alignment(value: str | None) -> str | None:
    if not value:
        return None
    if value not in {a.value for a in Alignment}:
        raise validation.ContentError("alignment", _l("Choose for, against or neutral."))
    return value


def post_comment(author, proposal: Proposal, body: str, language: str,
                 alignment: str | None = None, parent: Comment | None = None) -> Comment:
    """Publish a comment or a reply; the translations it owes are committed with it."""
    body = validation.comment_body(body)
    phases.require_open(proposal.topic.process, Action.COMMENT)
    if parent is not None and parent.proposal_id != proposal.id:
        raise validation.ContentError("parent", _l("That comment belongs to another discussion."))
    comment = Comment(proposal_id=proposal.id, author=author, body_source=body,
                      body_html=render_markdown(body), alignment=_alignment(alignment),
                      language=validation.check_language(language),
                      parent_id=parent.id if parent else None,
                      depth=parent.depth + 1 if parent else 0)
    db.session.add(comment)
    db.session.flush()  # the path needs the new id
    comment.path = (parent.path if parent else "") + path_segment(comment.id)
    comment.root_id = parent.root_id if parent else comment.id
    _count_reply(proposal.id, parent.id if parent else None, 1)
    _tell_people(comment, proposal, parent)
    db.session.commit()
    return comment


def _tell_people(comment: Comment, proposal: Proposal, parent: Comment | None) -> None:
    """Notify the replied-to author, the proposal's author and its followers, once each."""
    told = {comment.author_id}
    base: dict[str, Any] = dict(item_type=ItemKind.COMMENT, item_id=comment.id,
                                proposal_id=proposal.id, actor_id=comment.author_id)
    replied_to = [parent.author_id] if parent and not parent.is_tombstone else []
    for kind, people in (("reply", replied_to), ("comment", [proposal.author_id]),
                         ("followed_comment", notifications.followers(proposal.id))):
        fresh = [uid for uid in people if uid not in told]
        notifications.notify(fresh, kind, **base)
        told.update(fresh)
    assert comment.author_id is not None  # comments are posted by a logged-in person
    notifications.follow(comment.author_id, proposal.id)


def _count_reply(proposal_id: int, parent_id: int | None, delta: int) -> None:
    # Counters change in SQL so that concurrent posts from several processes all count.
    values: dict[str, Any] = dict(comment_count=Proposal.comment_count + delta)
    if delta > 0:
        values["last_activity_at"] = utcnow()
    db.session.execute(update(Proposal).where(Proposal.id == proposal_id).values(**values)
                       .execution_options(synchronize_session=False))
    if parent_id is not None:
        db.session.execute(update(Comment).where(Comment.id == parent_id)
                           .values(reply_count=Comment.reply_count + delta)
                           .execution_options(synchronize_session=False))


def edit_comment(comment: Comment, body: str, language: str, alignment: str | None) -> None:
    """Change a comment; stale translations are redone by the worker."""
    body = validation.comment_body(body)
    language = validation.check_language(language)
    if (body, language) != (comment.body_source, comment.language):
        comment.body_source, comment.language = body, language
        comment.body_html = render_markdown(body)
        comment.edited_at = utcnow()
    comment.alignment = _alignment(alignment)
    db.session.commit()


def delete_comment(comment: Comment) -> None:
    """Erase a comment's text, leaving a tombstone so its replies keep their place."""
    erase_comment(comment)
    db.session.commit()


def erase_comment(comment: Comment) -> None:
    """Turn a comment into a tombstone in the caller's transaction (no commit).

    Setting `deleted_at` makes the outbox drop its translations, jobs and search documents
    in the same flush.
    """
    comment.body_source = ""
    comment.body_html = ""
    comment.alignment = None
    comment.deleted_at = utcnow()
    _count_reply(comment.proposal_id, None, -1)


@dataclass
class CommentNode:
    """A comment with its replies, as shown in a thread."""

    comment: Comment
    children: list[CommentNode] = field(default_factory=list)


@dataclass
class ThreadPage(Page):
    """One page of a thread: top-level comments (`items`, `roots`) with all their replies."""

    comments: list[Comment] = field(default_factory=list)  # every comment on the page
    order: str = orders.DEFAULT_ORDER
    opened: int | None = None  # with "sides": the top-level comment whose replies show

    @property
    def roots(self) -> list[CommentNode]:
        return self.items

    @property
    def total_roots(self) -> int:
        return self.total

    @property
    def order_arg(self) -> str | None:
        """The ?order= of this page's links (none for the default order)."""
        return None if self.order == orders.DEFAULT_ORDER else self.order

    def sides(self) -> dict[str, list[CommentNode]]:
        """Split the page's top-level comments into for, against and the rest, in rank order."""
        columns: dict[str, list[CommentNode]] = {"for": [], "against": [], "other": []}
        for node in self.roots:
            columns.get(node.comment.alignment or "", columns["other"]).append(node)
        return columns


def _tree(comments: list[Comment], top_depth: int) -> list[CommentNode]:
    """Nest comments (any order) into trees under the ones at `top_depth`."""
    # Keyed by int | None so roots' parent_id (None) can be looked up: it finds nothing.
    nodes: dict[int | None, CommentNode] = {
        c.id: CommentNode(c) for c in sorted(comments, key=lambda c: c.path)}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.comment.parent_id)
        if node.comment.depth == top_depth or parent is None:
            roots.append(node)
        else:
            parent.children.append(node)
    return roots


def thread_page(proposal: Proposal, page: int = 1, per_page: int | None = None,
                order: str = orders.DEFAULT_ORDER, opened: int | None = None) -> ThreadPage:
    """Load one page of a proposal's thread in two queries, whatever its size or depth.

    Top-level comments come in `order` (forum/comments/orders.py); "sides" loads the
    replies of the `opened` top-level comment only.
    """
    per_page = per_page or current_app.config["COMMENTS_PER_PAGE"]
    top_level = (Comment.proposal_id == proposal.id, Comment.parent_id.is_(None))
    total = db.session.scalar(select(func.count(Comment.id)).where(*top_level)) or 0
    page = within(page, total, per_page)
    ranked = orders.ranked_roots(proposal.id, order).subquery()
    on_page = (select(ranked).order_by(ranked.c.position)
               .limit(per_page).offset((page - 1) * per_page).subquery())
    query = select(Comment, on_page.c.position).join(on_page, Comment.root_id == on_page.c.id)
    if order == "sides":
        query = query.where(or_(Comment.parent_id.is_(None), Comment.root_id == opened))
    rows = db.session.execute(query.order_by(Comment.path)).all()
    position = {comment.id: rank for comment, rank in rows if comment.parent_id is None}
    roots = sorted(_tree([c for c, _ in rows], 0), key=lambda n: position[n.comment.id])
    return ThreadPage(roots, page, per_page, total, [c for c, _ in rows], order, opened)


def subthread(comment: Comment) -> tuple[list[CommentNode], list[Comment]]:
    """Load a comment and every reply below it, at any depth, in one query."""
    comments = list(db.session.scalars(
        select(Comment).where(Comment.proposal_id == comment.proposal_id,
                              Comment.root_id == comment.root_id,
                              Comment.path.startswith(comment.path, autoescape=True))
        .order_by(Comment.path)))
    return _tree(comments, comment.depth), comments


def ancestors(comment: Comment) -> list[Comment]:
    """Return the comments above `comment`, from the top-level one down, in one query."""
    step = len(path_segment(0))
    ids = [int(comment.path[i:i + step]) for i in range(0, len(comment.path) - step, step)]
    if not ids:
        return []
    rows = db.session.scalars(select(Comment).where(Comment.id.in_(ids)))
    return sorted(rows, key=lambda c: c.depth)


def comments_by(author, page: int = 1, per_page: int = 20):
    """Return one page of a person's comments, newest first."""
    query = (select(Comment).where(Comment.author_id == author.id,
                                   Comment.deleted_at.is_(None), Comment.hidden_at.is_(None))
             .order_by(Comment.created_at.desc(), Comment.id.desc()))
    return paginate(query, page, per_page)


def page_of(comment: Comment) -> int:
    """Return the page of its proposal's thread on which a comment appears."""
    earlier = db.session.scalar(select(func.count(Comment.id)).where(
        Comment.proposal_id == comment.proposal_id, Comment.parent_id.is_(None),
        Comment.id < comment.root_id)) or 0
    return earlier // current_app.config["COMMENTS_PER_PAGE"] + 1
