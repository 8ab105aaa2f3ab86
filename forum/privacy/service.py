"""Deleting an account, and the retention purge; these functions commit.

`delete_account` runs in one transaction: either everything below happens, or nothing.

- Every login ends (accounts.sessions), and every personal field of the
  account is cleared: the display name becomes a unique placeholder, the e-mail goes,
  the password hash becomes unusable. The row stays, marked deleted, because the
  moderation log may still say that a (now nameless) moderator decided something.
- "erase": the person's comments become tombstones through the usual pipeline, so their
  translations, owed jobs and search documents go in the same flush, and replies by
  others keep their place. Their proposals are erased the same way (title and body
  emptied, `deleted_at` set, hidden from lists); a proposal that nothing of anyone else
  hangs on (no one else's comments, no official answer, milestone, moderation decision
  or duplicate pointing at it) is deleted outright instead, since a tombstone would only
  be noise. Open reports on erased texts are settled: nothing is left to review.
  Official answers an admin wrote stay, as the institution's.
- "anonymise": their proposals and comments stay readable, signed "former participant".
- Either way: their supports and helpful marks go (the counts drop), their event
  registrations (their seats go to the people waiting), and so do their follows,
  notifications, reports, appeals and the reports others made about their account;
  every other reference to them (found generically in the metadata) is cleared, or its
  row deleted where the reference cannot be empty.
"""
from __future__ import annotations

import secrets
from datetime import timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import delete, or_, select, update

from forum.accounts import sessions
from forum.accounts.models import Role, User
from forum.accounts.service import name_key
from forum.comments import votes
from forum.comments.models import Comment, CommentVote
from forum.comments.service import erase_comment
from forum.db import db, rows_changed, utcnow
from forum.events import service as events
from forum.items import ItemKind
from forum.moderation.models import Report
from forum.notifications.models import Follow, Notification
from forum.privacy import references
from forum.proposals import service as proposal_service
from forum.proposals.models import Proposal, Support

PLACEHOLDER_PREFIX = "former-participant-"
# Not an Argon2 hash: verifying any password against it fails.
UNUSABLE_PASSWORD = "!"
# References kept to the emptied account: a nameless "former moderator" decided this.
# Clearing them would claim the forum acted by itself.
KEPT_LINKS = {("moderation_actions", "moderator_id"), ("appeals", "decided_by_id")}
# Rows that go with a proposal deleted outright; any other reference keeps it as a tombstone.
PARTS_OF_A_PROPOSAL = {"supports", "follows", "notifications", "comments", "comment_votes"}


class DeletionMode(StrEnum):
    """What becomes of a deleted person's proposals and comments."""

    ERASE = "erase"
    ANONYMISE = "anonymise"


def delete_account(user: User, mode: str = DeletionMode.ERASE) -> None:
    """Delete a person's account and everything about them, in one transaction."""
    mode = DeletionMode(mode)
    now = utcnow()
    if mode == DeletionMode.ERASE:
        _erase_texts(user.id, now)
    _withdraw_supports(user.id, verified=user.verified_at is not None)
    votes.withdraw_all(user.id)
    events.forget_person(user.id)  # their seats go to the people waiting
    db.session.execute(delete(Report).where(Report.item_type == ItemKind.ACCOUNT,
                                            Report.item_id == user.id))
    _detach(user.id)  # in "anonymise" mode, this is what signs texts "former participant"
    _scrub(user, now)
    db.session.commit()


def _erase_texts(user_id: int, now) -> None:
    proposals = list(db.session.scalars(select(Proposal).where(Proposal.author_id == user_id)))
    removable = _unreferenced({p.id for p in proposals}, user_id)
    comments = list(db.session.scalars(select(Comment).where(Comment.author_id == user_id)))
    for comment in comments:
        if comment.deleted_at is None:
            erase_comment(comment)
    for proposal in proposals:
        _erase_proposal(proposal, now)
    db.session.flush()  # the outbox drops their translations and search documents here
    _settle_reports(ItemKind.COMMENT, [c.id for c in comments], now)
    _settle_reports(ItemKind.PROPOSAL, [p.id for p in proposals], now)
    _remove_proposals([p for p in proposals if p.id in removable])


def _erase_proposal(proposal: Proposal, now) -> None:
    proposal.title = ""
    proposal.body_source = ""
    proposal.body_html = ""
    proposal.deleted_at = now
    # Every page already leaves hidden proposals out of lists and shows a tombstone.
    proposal.hidden_at = proposal.hidden_at or now


def _unreferenced(ids: set[int], user_id: int) -> set[int]:
    """Return the proposals among `ids` that nothing of anyone else refers to."""
    if not ids:
        return set()
    referenced = set(db.session.scalars(select(Comment.proposal_id).where(
        Comment.proposal_id.in_(ids),
        or_(Comment.author_id.is_(None), Comment.author_id != user_id))))
    for column in references.columns_referencing("proposals"):
        if column.table.name not in PARTS_OF_A_PROPOSAL:
            referenced.update(db.session.scalars(select(column).where(column.in_(ids))))
    return ids - referenced


def _remove_proposals(proposals: list[Proposal]) -> None:
    ids = {p.id for p in proposals}
    if not ids:
        return
    comment_ids = list(db.session.scalars(select(Comment.id).where(Comment.proposal_id.in_(ids))))
    for kind, item_ids in ((ItemKind.PROPOSAL, ids), (ItemKind.COMMENT, comment_ids)):
        db.session.execute(delete(Report).where(Report.item_type == kind,
                                                Report.item_id.in_(item_ids)))
    for model in (Support, Follow, Notification, CommentVote, Comment):
        db.session.execute(delete(model).where(model.proposal_id.in_(ids))
                           .execution_options(synchronize_session=False))
    db.session.execute(delete(Proposal).where(Proposal.id.in_(ids))
                       .execution_options(synchronize_session=False))
    for proposal in proposals:  # the row is gone: the session must not write it back
        db.session.expunge(proposal)


def _settle_reports(item_type: str, ids: list[int], now) -> None:
    """Close open reports on erased texts: nothing is left for moderators to review."""
    if ids:
        db.session.execute(update(Report).where(
            Report.item_type == item_type, Report.item_id.in_(ids), Report.resolved_at.is_(None))
            .values(resolved_at=now).execution_options(synchronize_session=False))


def _withdraw_supports(user_id: int, verified: bool) -> None:
    # One support per person and proposal (a unique constraint), so each count drops by one.
    supported = select(Support.proposal_id).where(Support.user_id == user_id)
    db.session.execute(update(Proposal).where(Proposal.id.in_(supported))
                       .values(proposal_service.count_change(-1, verified))
                       .execution_options(synchronize_session=False))
    db.session.execute(delete(Support).where(Support.user_id == user_id))


def _detach(user_id: int) -> None:
    """Clear every other reference to the person, or delete rows that cannot lose it."""
    for column in references.columns_referencing("users"):
        table = column.table
        if table.name == "users" or (table.name, column.name) in KEPT_LINKS:
            continue
        if column.nullable:
            db.session.execute(update(table).where(column == user_id).values({column.name: None}))
        else:
            references.delete_rows(table, column == user_id)


def _scrub(user: User, now) -> None:
    placeholder = PLACEHOLDER_PREFIX + secrets.token_hex(6)
    config = current_app.config
    user.display_name = placeholder
    user.name_key = name_key(placeholder)
    user.email = None
    user.email_confirmed_at = None
    user.verified_at = user.district = user.verified_batch_id = None
    user.password_hash = UNUSABLE_PASSWORD
    sessions.end_all(user.id)  # every device is logged out
    language = config["DEFAULT_LANGUAGE"]
    user.language = language if language in config["LANGUAGES"] else config["LANGUAGES"][0]
    user.role = Role.CITIZEN
    user.created_at = now  # when they joined says something about them, too
    user.suspended_until = None
    user.banned_at = None
    user.deleted_at = now


def purge(now=None) -> dict[str, int]:
    """Delete read notifications and settled reports older than the retention settings."""
    now = now or utcnow()
    config = current_app.config
    counts = {"notifications": 0, "reports": 0, "logins": sessions.purge()}
    if config["RETENTION_NOTIFICATIONS_DAYS"]:
        cutoff = now - timedelta(days=config["RETENTION_NOTIFICATIONS_DAYS"])
        counts["notifications"] = rows_changed(db.session.execute(delete(Notification).where(
            Notification.read_at.is_not(None), Notification.created_at < cutoff)))
    if config["RETENTION_REPORTS_DAYS"]:
        cutoff = now - timedelta(days=config["RETENTION_REPORTS_DAYS"])
        counts["reports"] = rows_changed(db.session.execute(delete(Report).where(
            Report.resolved_at.is_not(None), Report.resolved_at < cutoff)))
    db.session.commit()
    return counts
