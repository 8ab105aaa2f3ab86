"""Who may do what with comments, decided in one place."""
from __future__ import annotations

from functools import cached_property

from forum.accounts.access import can_moderate, can_write
from forum.comments import votes
from forum.comments.models import Comment
from forum.moderation.access import offers_report
from forum.processes import rules as phases
from forum.processes.models import Action
from forum.proposals.access import can_comment, is_open_for_discussion, within_edit_window


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


def can_mark_helpful(user, comment: Comment) -> bool:
    """People in good standing mark comments helpful (votes.refusal says when not)."""
    return can_write(user)


class Viewer:
    """One reader's permissions over a whole thread, worked out once per page.

    A thread of 1,000 comments asks these questions 3,000 times; the cheap test (is this
    your comment?) comes first and the rules themselves stay in the functions above.
    """

    def __init__(self, user, proposal):
        self.user = user
        self.user_id = user.id if user and user.is_authenticated else None
        # A phase that closed comments closes replies too (the service refuses them).
        self.can_comment = (can_comment(user, proposal)
                            and phases.is_open(proposal.topic.process, Action.COMMENT))
        self.proposal = proposal
        self.moderates = can_moderate(user)
        # Marking helpful follows votes.refusal; the service checks it again on the POST.
        self.can_vote = (can_write(user) and is_open_for_discussion(proposal)
                         and not votes.needs_verification(user))

    @cached_property
    def voted(self) -> set[int]:
        """The comments of this thread the reader marked helpful (one query, when asked)."""
        return votes.voted_in(self.user, self.proposal.id)

    def may_vote(self, comment: Comment) -> bool:
        return (self.can_vote and comment.author_id != self.user_id
                and not comment.is_tombstone)

    def may_reply(self, comment: Comment) -> bool:
        return self.can_comment and not comment.is_tombstone

    def may_edit(self, comment: Comment) -> bool:
        return comment.author_id == self.user_id is not None and can_edit(self.user, comment)

    def may_delete(self, comment: Comment) -> bool:
        return comment.author_id == self.user_id is not None and can_delete(self.user, comment)

    def may_report(self, comment: Comment) -> bool:
        return offers_report(self.user, comment)

    def may_appeal(self, comment: Comment) -> bool:
        """Offer the author of a hidden comment to appeal (the appeal page checks the rest)."""
        return comment.hidden_at is not None and comment.author_id == self.user_id is not None
