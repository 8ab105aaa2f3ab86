"""People taking part: pseudonymous accounts with a role."""
from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import db, utcnow


class Role(StrEnum):
    """What a person may do beyond taking part."""

    CITIZEN = "citizen"
    MODERATOR = "moderator"
    ADMIN = "admin"


def new_session_token() -> str:
    """Return a fresh random token identifying a person's valid sessions."""
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    """A participant, known by a pseudonymous display name."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    # Lower-cased name, unique, so "Marta" and "marta" cannot both exist.
    name_key: Mapped[str] = mapped_column(String(80), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(8))
    role: Mapped[str] = mapped_column(String(16), default=Role.CITIZEN)
    # Changing it logs out every session (password change, account deletion).
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    suspended_until: Mapped[datetime | None]
    banned_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]

    def get_id(self) -> str:
        """Identify the session by token, so a rotated token ends old sessions."""
        return self.session_token

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
