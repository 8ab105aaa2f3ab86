"""People taking part: pseudonymous accounts with a role."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import Model, utcnow


class Role(StrEnum):
    """What a person may do beyond taking part."""

    CITIZEN = "citizen"
    MODERATOR = "moderator"
    ADMIN = "admin"


class User(UserMixin, Model):
    """A participant, known by a pseudonymous display name."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    # Lower-cased name, unique, so "Marta" and "marta" cannot both exist.
    name_key: Mapped[str] = mapped_column(String(80), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    # When its owner followed the link mailed to `email` (forum.recovery); cleared on change.
    email_confirmed_at: Mapped[datetime | None]
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(8))
    role: Mapped[str] = mapped_column(String(16), default=Role.CITIZEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    suspended_until: Mapped[datetime | None]
    banned_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    # A verified resident (forum.residents): when, in which district if the code's batch
    # named one, and through which batch, so that a leaked batch can be revoked.
    verified_at: Mapped[datetime | None]
    # How notifications reach their address: immediate | daily | weekly | none.
    mail_frequency: Mapped[str] = mapped_column(String(16), default="immediate",
                                                server_default="immediate")
    district: Mapped[str | None] = mapped_column(String(100))
    verified_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("verification_batches.id", ondelete="SET NULL"), index=True)

    # The token of the login this object was loaded for (not a column: see sessions.py).
    login_token = None  # type: str | None

    def get_id(self) -> str | None:
        """Identify the login, not the person: ending the login ends what the cookie holds."""
        return self.login_token

    def __eq__(self, other) -> bool:
        # The same person, whichever of their logins each object came with.
        if isinstance(other, User):
            return self is other or (self.id is not None and self.id == other.id)
        return NotImplemented

    __hash__ = UserMixin.__hash__

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.id} {self.display_name!r}>"


class AccountSession(Model):
    """One login of one person, on one device; the cookie holds a token whose hash is here."""

    __tablename__ = "account_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
