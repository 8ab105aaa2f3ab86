"""Notifications people receive, and the proposals they follow."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import Model, utcnow
from forum.leases import LeasedJob


class Notification(Model):
    """Something that happened that one person should know about."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # reply, comment_on_proposal, support, follow, answer, moderation, appeal_decided …
    kind: Mapped[str] = mapped_column(String(32))
    item_type: Mapped[str | None] = mapped_column(String(16))
    item_id: Mapped[int | None]
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A short free text the notification shows as it is (e.g. a moderator's reason).
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # Set when a worker mailed it (only with SMTP configured and an address).
    emailed_at: Mapped[datetime | None]


class MailJob(LeasedJob, Model):
    """A mail owed to a person, queued in the transaction that owes it.

    A notification's copy, or an account mail (a reset link, an address confirmation)
    whose single-use link the worker makes when it sends, so it is never stored readable.

    A worker claims it as `forum.leases` describes, checks that its claim still holds
    right before it talks to the SMTP server, and records the sending only if it still
    does: a worker whose claim passed to another never sends.
    """

    __tablename__ = "mail_jobs"
    __table_args__ = (Index("ix_mail_jobs_claim", "state", "not_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # notification | digest | password_reset | email_confirmation (forum.recovery.mail)
    kind: Mapped[str] = mapped_column(String(24), default="notification")
    # Set for notifications only: an account mail is about the person's account.
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), unique=True)
    # Set for a digest's mail (forum.notifications.digests).
    digest_id: Mapped[int | None] = mapped_column(
        ForeignKey("digests.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    notification: Mapped[Notification | None] = relationship()


class Follow(Model):
    """A person following a proposal: they hear of its comments and answers."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("user_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"),
                                             index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TopicFollow(Model):
    """A person following a topic: they hear of each new proposal in it."""

    __tablename__ = "topic_follows"
    __table_args__ = (UniqueConstraint("user_id", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"),
                                          index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Digest(Model):
    """One person's daily or weekly digest: the notifications of one stretch of time.

    Made once per person and period end (a unique constraint, whichever worker comes
    first); each covers from where the last one stopped, so no notification falls between
    two digests even after downtime. A digest with nothing in it owes no mail.
    """

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("user_id", "covers_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    frequency: Mapped[str] = mapped_column(String(8))
    covers_from: Mapped[datetime]
    covers_until: Mapped[datetime]
    notifications: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
