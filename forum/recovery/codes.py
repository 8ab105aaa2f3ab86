"""Recovery codes: for people without e-mail, a way back in that they keep on paper.

Each code is 16 characters of Crockford's base 32 (80 random bits), shown once and
stored as its SHA-256. At 80 bits a stolen database gives nothing to brute-force, and
online guessing is bounded by the login throttle: at most 5 wrong codes per address and
name per 15 minutes, against 10 × 2^-80 odds each.
"""
from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from sqlalchemy import delete, func, select, update

from forum.accounts.models import User
from forum.db import db, rows_changed, utcnow
from forum.recovery.models import RecoveryCode

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
LENGTH = 16
# What people misread or mistype, as Crockford's decoding reads it.
READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0", "-": None, " ": None})


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normalise(text: str) -> str | None:
    """Return the code a person typed, in canonical form, or None if it cannot be one."""
    code = (text or "")[:64].upper().translate(READ_AS)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def shown(code: str) -> str:
    """Group a code in fours, as it is printed."""
    return "-".join(code[i:i + 4] for i in range(0, LENGTH, 4))


def replace(user: User) -> list[str]:
    """Give a person new codes, ending the old ones; return them to show once (commits)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    fresh = ["".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
             for _ in range(current_app.config["RECOVERY_CODES"])]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(c)) for c in fresh)
    db.session.commit()
    return [shown(c) for c in fresh]


def remaining(user_id: int) -> int:
    """Count a person's unused codes."""
    return db.session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))) or 0


def use(user_id: int, typed: str) -> bool:
    """Spend one of the person's codes; False if it is not theirs or already spent.

    Conditional, so of two requests with the same code exactly one succeeds. The caller
    commits.
    """
    code = normalise(typed)
    if code is None:
        return False
    return rows_changed(db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user_id,
                                   RecoveryCode.code_hash == _hash(code),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))) == 1
