"""Who may take part, decided in one place."""
from __future__ import annotations

from forum.accounts.models import User
from forum.db import utcnow


def is_restricted(user: User) -> bool:
    """Say whether a person is banned or currently suspended."""
    if user.banned_at is not None:
        return True
    return user.suspended_until is not None and user.suspended_until > utcnow()


def can_write(user) -> bool:
    """Say whether a person may post, comment, support or report."""
    return bool(user and user.is_authenticated and not is_restricted(user))


def can_moderate(user) -> bool:
    """Say whether a person acts as a moderator."""
    return bool(user and user.is_authenticated and user.is_moderator)


def can_administer(user) -> bool:
    """Say whether a person speaks for the institution."""
    return bool(user and user.is_authenticated and user.is_admin)
