"""Logins kept on the server: each is a row, and ending it ends every cookie that holds it.

A login writes a random token into the (signed) session cookie, and into the remember-me
cookie when asked; the database keeps only the token's SHA-256. A request is logged in
only while its token's row exists and is younger than REMEMBER_COOKIE_DAYS, so a cookie
copied before a logout opens nothing afterwards. Logging out ends that login; changing
the password, "log out everywhere", a moderator's ban and deleting the account end every
login of the person.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from forum.accounts.models import AccountSession, User
from forum.db import db, rows_changed, utcnow


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _oldest_valid():
    return utcnow() - timedelta(days=current_app.config["REMEMBER_COOKIE_DAYS"])


def start(user: User) -> str:
    """Record a new login of `user`, commit, and return its token (set on the user too)."""
    token = secrets.token_urlsafe(32)
    db.session.add(AccountSession(user_id=user.id, token_hash=token_hash(token)))
    db.session.commit()
    user.login_token = token
    return token


def user_for(token: str) -> User | None:
    """Return the person a login token belongs to, while that login lasts."""
    if not token or len(token) > 200:
        return None
    user = db.session.scalar(
        select(User).join(AccountSession, AccountSession.user_id == User.id)
        .where(AccountSession.token_hash == token_hash(token), User.deleted_at.is_(None),
               AccountSession.created_at > _oldest_valid()))
    if user is not None:
        user.login_token = token
    return user


def end(token: str | None) -> None:
    """End one login (log out on this device) and commit."""
    if token:
        db.session.execute(delete(AccountSession).where(
            AccountSession.token_hash == token_hash(token)))
        db.session.commit()


def end_all(user_id: int) -> int:
    """End every login of a person, in the caller's transaction; return how many."""
    return rows_changed(db.session.execute(delete(AccountSession).where(
        AccountSession.user_id == user_id)))


def count(user_id: int) -> int:
    """Count a person's current logins."""
    return db.session.scalar(select(func.count()).select_from(AccountSession).where(
        AccountSession.user_id == user_id, AccountSession.created_at > _oldest_valid())) or 0


def purge() -> int:
    """Delete logins older than any cookie could still be (the caller commits)."""
    return rows_changed(db.session.execute(delete(AccountSession).where(
        AccountSession.created_at <= _oldest_valid())))
