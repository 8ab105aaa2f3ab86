"""Marking comments helpful, and taking it back; these functions commit.

One vote per person and comment: a unique constraint decides, so two clicks at the same
moment (two tabs, two web processes) count once. The comment's `helpful_count` moves in
SQL in the same transaction as the vote row, so it always equals the number of rows.
Who voted is never shown nor exported to anyone but the voter (privacy export).
"""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from forum.comments.models import Comment, CommentVote
from forum.db import db, rows_changed
from forum.proposals.access import is_open_for_discussion
from forum.proposals.models import Proposal


class VoteRefused(Exception):
    """A vote the rules do not allow; `message` says why, in the reader's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def needs_verification(user) -> bool:
    """Say whether a person must be a verified resident before marking a comment helpful."""
    return (bool(current_app.config["VOTE_REQUIRES_VERIFICATION"])
            and getattr(user, "verified_at", None) is None)


def refusal(user, comment: Comment, proposal: Proposal):
    """Return why `user` may not mark the comment helpful now, or None."""
    if comment.deleted_at is not None:
        return _l("This comment was deleted: it can no longer be marked helpful.")
    if comment.hidden_at is not None:
        return _l("Moderators hid this comment: it cannot be marked helpful.")
    if not is_open_for_discussion(proposal):
        return _l("This discussion is closed: comments can no longer be marked helpful.")
    if comment.author_id == user.id:
        return _l("You cannot mark your own comment helpful.")
    if needs_verification(user):
        return _l("Only verified residents can mark comments helpful here: enter the code "
                  "you received from the town on your account page.")
    return None


def vote(user, comment: Comment) -> bool:
    """Mark a comment helpful for `user`; return False if they already had.

    Raises VoteRefused, with nothing written, when the rules do not allow it.
    """
    proposal = db.session.get(Proposal, comment.proposal_id)
    assert proposal is not None  # a comment's foreign key keeps its proposal
    reason = refusal(user, comment, proposal)
    if reason is not None:
        raise VoteRefused(reason)
    db.session.add(CommentVote(comment_id=comment.id, user_id=user.id,
                               proposal_id=comment.proposal_id))
    try:
        db.session.flush()
    except IntegrityError:  # the same person's other click got there first
        db.session.rollback()
        return False
    _count(comment.id, 1)
    db.session.commit()
    return True


def unvote(user, comment: Comment) -> bool:
    """Take back `user`'s helpful mark; return False if there was none.

    Always allowed, even on a closed discussion: the vote is the voter's own data.
    """
    removed = rows_changed(db.session.execute(delete(CommentVote).where(
        CommentVote.comment_id == comment.id, CommentVote.user_id == user.id)))
    if removed:  # a concurrent withdrawal deleted nothing and must not count
        _count(comment.id, -1)
    db.session.commit()
    return bool(removed)


def _count(comment_id: int, delta: int) -> None:
    # In SQL, not in Python: votes committed meanwhile by other processes must all count.
    db.session.execute(update(Comment).where(Comment.id == comment_id)
                       .values(helpful_count=Comment.helpful_count + delta)
                       .execution_options(synchronize_session=False))


def voted_in(user, proposal_id: int) -> set[int]:
    """Return the ids of the comments of a thread that `user` marked helpful, in one query."""
    if not (user and user.is_authenticated):
        return set()
    return set(db.session.scalars(select(CommentVote.comment_id).where(
        CommentVote.user_id == user.id, CommentVote.proposal_id == proposal_id)))


def withdraw_all(user_id: int) -> None:
    """Take back every vote of a person, each count dropping by one (no commit)."""
    # One vote per person and comment (the unique pair), so each count drops by exactly one.
    voted = select(CommentVote.comment_id).where(CommentVote.user_id == user_id)
    db.session.execute(update(Comment).where(Comment.id.in_(voted))
                       .values(helpful_count=Comment.helpful_count - 1)
                       .execution_options(synchronize_session=False))
    db.session.execute(delete(CommentVote).where(CommentVote.user_id == user_id))
