"""Resetting a password, recovering with a code, confirming an address; these commit.

Every way back in ends the person's other logins, as a password change does, and
makes every other reset link of theirs useless.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from forum.accounts import sessions
from forum.accounts.models import User
from forum.accounts.passwords import hash_password
from forum.accounts.service import find_by_name
from forum.audit import service as audit
from forum.db import db, utcnow
from forum.recovery import addresses, codes, tokens
from forum.recovery.models import AccountToken


class RecoveryError(ValueError):
    """A link or code that cannot be used (expired, used, never issued)."""


def request_reset(address: str) -> int:
    """Owe a reset mail to each account at this address; return how many (commits).

    The page answers the same whatever this returns: it must not tell anyone whether an
    address has an account. Beyond PASSWORD_RESET_MAILS_PER_DAY an account gets no more.
    """
    if not addresses.mail_configured():
        return 0
    owed = sum(addresses.owe(user, addresses.PASSWORD_RESET)
               for user in addresses.accounts_at(address))
    db.session.commit()
    return owed


def reset_link(raw: str) -> AccountToken | None:
    """Return the reset a link's secret stands for, if it can still be used."""
    token = tokens.find(raw, tokens.RESET)
    user = db.session.get(User, token.user_id) if token else None
    return token if user is not None and user.deleted_at is None else None


def reset_password(raw: str, password: str) -> User:
    """Set a new password through a reset link, using it up; raise RecoveryError if not."""
    token = reset_link(raw)
    if token is None or not tokens.use(token):
        db.session.rollback()
        raise RecoveryError(raw)
    user = db.session.get(User, token.user_id)
    assert user is not None
    if token.email is not None and token.email == user.email:
        user.email_confirmed_at = user.email_confirmed_at or utcnow()  # it reached them
    _new_password(user, password)
    return user


def recover(display_name: str, code: str, password: str) -> User | None:
    """Set a new password with a recovery code, spending it; None if name or code is wrong."""
    user = find_by_name(display_name)
    if user is None or user.deleted_at is not None or not codes.use(user.id, code):
        db.session.rollback()
        return None
    _new_password(user, password)
    return user


def _new_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    tokens.void(user.id, tokens.RESET)
    sessions.end_all(user.id)
    db.session.commit()


def issue_reset(user: User, admin: User | None = None) -> tuple[str, datetime]:
    """Issue a one-time reset for a person in front of an admin, logged (commits)."""
    seconds = current_app.config["ADMIN_RESET_SECONDS"]
    raw = tokens.issue(user, tokens.RESET, seconds, issued_by=admin)
    expires = utcnow().replace(microsecond=0) + timedelta(seconds=seconds)
    audit.record("password_reset_issued", admin, user, detail=expires.isoformat())
    db.session.commit()
    return raw, expires


def confirm_address(raw: str) -> User:
    """Confirm the address a confirmation link was mailed to; raise RecoveryError if not."""
    token = tokens.find(raw, tokens.CONFIRM)
    user = db.session.get(User, token.user_id) if token else None
    # A link for an address the person has since changed confirms nothing.
    if token is None or user is None or user.email != token.email or not tokens.use(token):
        db.session.rollback()
        raise RecoveryError(raw)
    user.email_confirmed_at = utcnow()
    db.session.commit()
    return user


def resend_confirmation(user: User) -> bool:
    """Owe another confirmation mail, within the day's share (commits)."""
    if not addresses.awaits_confirmation(user):
        return False
    owed = addresses.owe(user, addresses.CONFIRMATION)
    db.session.commit()
    return owed
