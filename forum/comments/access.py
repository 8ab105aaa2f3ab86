"""Who may do what with comments, decided in one place."""
from __future__ import annotations

from forum.accounts.access import can_write
from forum.comments.models import Comment
from forum.proposals.access import can_comment, within_edit_window


def is_author(user, comment: Comment) -> bool:
    """Say whether `user` wrote the comment."""
    return bool(user and user.is_authenticated and comment.author_id == user.id)


def can_reply(user, comment: Comment, proposal) -> bool:
    """Reply to any comment that still has content, on a proposal open for discussion."""
    return can_comment(user, proposal) and not comment.is_tombstone


def can_edit(user, comment: Comment) -> bool:
    """Authors edit their comment within the edit window, unless it was removed."""
    return (is_author(user, comment) and can_write(user) and not comment.is_tombstone
            and within_edit_window(comment.created_at))


def can_delete(user, comment: Comment) -> bool:
    """Authors delete their own comment at any time; a tombstone keeps its place."""
    return is_author(user, comment) and comment.deleted_at is None
