"""Registering, authenticating and changing accounts; these functions commit.

A password change ends every login of the person (accounts.sessions).
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from forum.accounts import sessions
from forum.accounts.models import Role, User
from forum.accounts.passwords import hash_password, needs_rehash, verify_password
from forum.audit import service as audit
from forum.db import db
from forum.recovery import addresses

# Letters of any script, digits, spaces and . _ - ' ; no leading or trailing space.
DISPLAY_NAME_RE = re.compile(r"^[^\W_](?:[\w .'\-]*[\w.'\-])?$")


class AccountError(ValueError):
    """A registration or account change that cannot be accepted, with the field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def name_key(display_name: str) -> str:
    """Return the case-insensitive key under which a display name is unique."""
    return " ".join(display_name.split()).casefold()


def find_by_name(display_name: str) -> User | None:
    """Return the account with this display name, whatever its case."""
    if "\x00" in display_name:  # no name holds one, and PostgreSQL refuses it in text
        return None
    return db.session.scalar(select(User).where(User.name_key == name_key(display_name)))


def register(display_name: str, password: str, language: str, email: str | None = None,
             role: Role = Role.CITIZEN) -> User:
    """Create an account, or raise AccountError when the name is taken."""
    display_name = " ".join(display_name.split())
    if find_by_name(display_name) is not None:
        raise AccountError("display_name", _l("This name is taken. Please choose another."))
    user = User(display_name=display_name, name_key=name_key(display_name),
                email=(email or None), password_hash=hash_password(password),
                language=language, role=role)
    db.session.add(user)
    if user.email:
        addresses.address_changed(user)
    db.session.commit()
    return user


def authenticate(display_name: str, password: str) -> User | None:
    """Return the account when the name and password match, else None."""
    user = find_by_name(display_name)
    if user is not None and user.deleted_at is not None:
        user = None
    if not verify_password(user.password_hash if user else None, password):
        return None
    assert user is not None  # verify_password is False when there is no hash to check
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Replace a password and end every other session of the account."""
    if not verify_password(user.password_hash, current):
        raise AccountError("current_password", "wrong")
    user.password_hash = hash_password(new)
    sessions.end_all(user.id)
    db.session.commit()


def update_settings(user: User, language: str, email: str | None,
                    mail_frequency: str | None = None) -> None:
    """Save a person's preferred language and optional e-mail."""
    user.language = language
    if mail_frequency is not None:
        user.mail_frequency = mail_frequency
    if (email or None) != user.email:
        user.email = email or None
        addresses.address_changed(user)
    db.session.commit()


def set_role(user: User, role: Role, by: User | None = None) -> None:
    """Give a person a role (citizen, moderator, admin), in the audit log."""
    audit.record("role_given", by, user, detail=f"{user.role}->{role}")
    user.role = role
    db.session.commit()
