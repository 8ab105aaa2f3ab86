"""One entry of the administrators' audit log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User
from forum.db import Model, utcnow


class AdminAction(Model):
    """Who did what, to whom, when: a reset issued, codes generated, a role given.

    Moderation decisions have their own, public log (forum.moderation); this one is for
    administrators only, because what it concerns (a person's account recovery) is private.
    """

    __tablename__ = "admin_actions"
    __table_args__ = (Index("ix_admin_actions_created", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Null when an operator acted from the command line (`via` says so).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    via: Mapped[str] = mapped_column(String(16))  # web | command
    action: Mapped[str] = mapped_column(String(32))
    target_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Plain facts the action concerns (a count, an expiry), never a secret.
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="joined")
    target: Mapped[User | None] = relationship(foreign_keys=[target_user_id], lazy="joined")
