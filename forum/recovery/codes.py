"""Recovery codes: for people without e-mail, a way back in that they keep on paper.

Each code is 16 characters of Crockford's base 32 (80 random bits, forum.onetime), shown
once and stored as its SHA-256. At 80 bits a stolen database gives nothing to brute-force, and
online guessing is bounded by the login throttle: at most 5 wrong codes per address and
name per 15 minutes, against 10 × 2^-80 odds each.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import delete, func, select, update

from forum import onetime
from forum.accounts.models import User
from forum.db import db, rows_changed, utcnow
from forum.recovery.models import RecoveryCode

LENGTH = 16


def replace(user: User) -> list[str]:
    """Give a person new codes, ending the old ones; return them to show once (commits)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    fresh = [onetime.new(LENGTH) for _ in range(current_app.config["RECOVERY_CODES"])]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=onetime.digest(c))
                       for c in fresh)
    db.session.commit()
    return [onetime.shown(c) for c in fresh]


def remaining(user_id: int) -> int:
    """Count a person's unused codes."""
    return db.session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))) or 0


def use(user_id: int, typed: str) -> bool:
    """Spend one of the person's codes; False if it is not theirs or already spent.

    Conditional, so of two requests with the same code exactly one succeeds. The caller
    commits.
    """
    code = onetime.normalise(typed, LENGTH)
    if code is None:
        return False
    return rows_changed(db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user_id,
                                   RecoveryCode.code_hash == onetime.digest(code),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))) == 1
