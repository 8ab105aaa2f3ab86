"""Who may organise, hide, see and register for events, decided in one place."""
from __future__ import annotations

from forum.accounts.access import can_administer, can_moderate, can_write


def can_organise(user, event=None) -> bool:
    """Admins speak for the institution: they create, edit and close events, in any process."""
    return can_administer(user)


def can_hide(user, event=None) -> bool:
    """Moderators and admins hide an event (and show it again)."""
    return can_moderate(user)


def can_see(user, event) -> bool:
    """A hidden event is gone for everyone but those who may show it again."""
    return event.hidden_at is None or can_hide(user, event)


def can_register(user, event) -> bool:
    """People who may take part register for visible events (the service checks the dates)."""
    return can_write(user) and event.hidden_at is None
