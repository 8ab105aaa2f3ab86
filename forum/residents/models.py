"""Batches of resident verification codes, each code kept only as a hash."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import Model, utcnow


class VerificationBatch(Model):
    """Codes made together for one hand-out: a letter to households, a town-hall desk."""

    __tablename__ = "verification_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    # Given to every account that redeems one of the batch's codes; None for the whole town.
    district: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int]
    # Who made it is in the administrators' audit log.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    # A batch that leaked is revoked: its unused codes stop working, and the accounts it
    # verified are verified no more.
    revoked_at: Mapped[datetime | None]


class VerificationCode(Model):
    """One code of a batch: its hash, and when it was redeemed, but never by whom."""

    __tablename__ = "verification_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("verification_batches.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    redeemed_at: Mapped[datetime | None]
