"""Making and redeeming resident verification codes.

A code is 12 characters of Crockford base 32 (60 random bits, forum.onetime), printed as
XXXX-XXXX-XXXX. Guessing is bounded per account and per connection (RATELIMIT_VERIFY);
with a million codes out at once, one guess succeeds with odds of 10^6 × 2^-60 ≈ 10^-12.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, or_, select, update

from forum import onetime
from forum.db import db, rows_changed, utcnow
from forum.residents.models import VerificationBatch, VerificationCode

LENGTH = 12


def make(batch: VerificationBatch) -> list[str]:
    """Add a batch's codes (the caller commits); return them to hand out, once."""
    fresh: set[str] = set()
    while len(fresh) < batch.size:  # distinct within the batch; across batches, see below
        fresh.add(onetime.new(LENGTH))
    db.session.add_all(VerificationCode(batch_id=batch.id, code_hash=onetime.digest(code))
                       for code in fresh)
    # 60 bits: a collision with an earlier batch is as likely as guessing a code, and the
    # unique index would refuse it rather than let two people share one.
    return [onetime.shown(code) for code in sorted(fresh)]


def usable(now: datetime):
    """The condition a code's batch must meet for the code to work."""
    return exists().where(
        VerificationBatch.id == VerificationCode.batch_id, VerificationBatch.revoked_at.is_(None),
        or_(VerificationBatch.expires_at.is_(None), VerificationBatch.expires_at > now))


def spend(typed: str) -> VerificationBatch | None:
    """Mark a code redeemed; return its batch, or None if it is wrong, used or void.

    Conditional, so of two people redeeming the same code at once exactly one gets it.
    The caller commits.
    """
    code = onetime.normalise(typed, LENGTH)
    if code is None:
        return None
    now = utcnow()
    found = db.session.scalar(select(VerificationCode).where(
        VerificationCode.code_hash == onetime.digest(code)))
    if found is None:
        return None
    spent = rows_changed(db.session.execute(
        update(VerificationCode).where(and_(VerificationCode.id == found.id,
                                            VerificationCode.redeemed_at.is_(None),
                                            usable(now)))
        .values(redeemed_at=now).execution_options(synchronize_session=False)))
    return db.session.get(VerificationBatch, found.batch_id) if spent == 1 else None
