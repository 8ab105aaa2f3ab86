"""Single-use links: made with 256 random bits, stored as a hash, used at most once."""
from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select, update

from forum.accounts.models import User
from forum.accounts.sessions import token_hash
from forum.db import db, rows_changed, utcnow
from forum.recovery.models import AccountToken

RESET = "reset"
CONFIRM = "confirm"
MAX_LENGTH = 100  # a real token is 43 characters; anything longer is not one


def issue(user: User, purpose: str, seconds: int, email: str | None = None,
          issued_by: User | None = None) -> str:
    """Make a link's secret for `user` and store its hash (the caller commits)."""
    raw = secrets.token_urlsafe(32)
    db.session.add(AccountToken(
        user_id=user.id, purpose=purpose, token_hash=token_hash(raw), email=email,
        issued_by_id=issued_by.id if issued_by else None,
        expires_at=utcnow() + timedelta(seconds=seconds)))
    return raw


def find(raw: str, purpose: str) -> AccountToken | None:
    """Return the unused, unexpired token with this secret, else None."""
    if not raw or len(raw) > MAX_LENGTH:
        return None
    return db.session.scalar(select(AccountToken).where(
        AccountToken.token_hash == token_hash(raw), AccountToken.purpose == purpose,
        AccountToken.used_at.is_(None), AccountToken.expires_at > utcnow()))


def use(token: AccountToken) -> bool:
    """Mark the token used; False when another request used it first (caller commits)."""
    return rows_changed(db.session.execute(
        update(AccountToken).where(AccountToken.id == token.id, AccountToken.used_at.is_(None),
                                   AccountToken.expires_at > utcnow())
        .values(used_at=utcnow()).execution_options(synchronize_session=False))) == 1


def void(user_id: int, purpose: str) -> None:
    """Make every unused token of one purpose of a person useless (caller commits)."""
    db.session.execute(
        update(AccountToken).where(AccountToken.user_id == user_id,
                                   AccountToken.purpose == purpose,
                                   AccountToken.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))
