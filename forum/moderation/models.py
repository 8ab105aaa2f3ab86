"""Reports from citizens, the moderators' actions (the audit log) and appeals against them."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User
from forum.db import Model, utcnow
from forum.items import ItemKind
from forum.machine_translation.translatable import translatable


class ReportReason(StrEnum):
    """Why a citizen reports something."""

    SPAM = "spam"
    OFFENSIVE = "offensive"
    OFF_TOPIC = "off_topic"
    PERSONAL_DATA = "personal_data"
    ILLEGAL = "illegal"
    OTHER = "other"


class Action(StrEnum):
    """What a moderator (or the report threshold) did; every one is logged."""

    DISMISS = "dismiss"          # the reports were looked at; the item stays as it is
    HIDE = "hide"
    AUTO_HIDE = "auto_hide"      # enough people reported it: hidden pending review
    RESTORE = "restore"
    LOCK = "lock"
    UNLOCK = "unlock"
    PIN = "pin"
    UNPIN = "unpin"
    DUPLICATE = "duplicate"
    NOT_DUPLICATE = "not_duplicate"
    SUSPEND = "suspend"
    BAN = "ban"
    LIFT = "lift"                # a suspension or a ban ends early
    APPEAL_GRANTED = "appeal_granted"
    APPEAL_REJECTED = "appeal_rejected"


# Decisions against a person that they may appeal, once each.
APPEALABLE = frozenset({Action.HIDE, Action.AUTO_HIDE, Action.SUSPEND, Action.BAN})
HIDING = frozenset({Action.HIDE, Action.AUTO_HIDE})


class Report(Model):
    """One person's report of one proposal, comment or account."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("reporter_id", "item_type", "item_id"),
        Index("ix_reports_open_item", "resolved_at", "item_type", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    item_type: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[int]
    reason: Mapped[str] = mapped_column(String(16))
    details: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a moderator acted on the item; the action says what was decided.
    resolved_at: Mapped[datetime | None]
    resolved_by_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("moderation_actions.id", ondelete="SET NULL"))

    reporter: Mapped[User] = relationship(lazy="joined")


@translatable(ItemKind.MODERATION, reason="reason")
class ModerationAction(Model):
    """One moderation decision: who did what to which item, when and why (the audit log).

    The reason is public: tombstones and the moderation log show it, machine-translated
    from the moderator's language like any other text.
    """

    __tablename__ = "moderation_actions"
    __table_args__ = (
        Index("ix_moderation_actions_item", "item_type", "item_id", "id"),
        Index("ix_moderation_actions_target", "target_user_id", "id"),
        # Tombstones: the hides of a proposal and its comments, in one look-up.
        Index("ix_moderation_actions_proposal", "proposal_id", "action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Null when the forum acted by itself (the report threshold hid an item).
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(24))
    item_type: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[int]
    # The proposal the item belongs to, for links and tombstones; null for accounts.
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="SET NULL"))
    # Whose content or account it concerns: they are told, and they may appeal.
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8))
    # The original proposal (duplicate), or the appeal decided (appeal_*).
    related_id: Mapped[int | None]
    # The end of a suspension.
    until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    moderator: Mapped[User | None] = relationship(foreign_keys=[moderator_id], lazy="joined")

    @property
    def automatic(self) -> bool:
        return self.moderator_id is None


@translatable(ItemKind.APPEAL, message="message")
class Appeal(Model):
    """A person's one appeal against one decision about their content or account."""

    __tablename__ = "appeals"
    __table_args__ = (Index("ix_appeals_open", "decided_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique: a decision is appealed once.
    action_id: Mapped[int] = mapped_column(ForeignKey("moderation_actions.id"), unique=True)
    appellant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str | None] = mapped_column(String(16))  # granted | rejected

    action: Mapped[ModerationAction] = relationship(lazy="joined", innerjoin=True)
    appellant: Mapped[User] = relationship(foreign_keys=[appellant_id], lazy="joined")
