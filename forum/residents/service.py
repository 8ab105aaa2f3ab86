"""Verifying residents and keeping verified support counts right; these commit.

A proposal counts all its supports (support_count) and those of verified residents
(verified_support_count). A person's supports move between the two when they are
verified, when their batch is revoked, and when they withdraw or delete their account.
"""
from __future__ import annotations

import json
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import Select, func, select, update

from forum.accounts.models import User
from forum.audit import service as audit
from forum.db import db, rows_changed, utcnow
from forum.proposals.models import Proposal, Support
from forum.residents import codes
from forum.residents.models import VerificationBatch, VerificationCode
from forum.thresholds import service as thresholds

MAX_BATCH = 100_000


class Redeemed(StrEnum):
    VERIFIED = "verified"
    ALREADY = "already"
    REFUSED = "refused"


def create_batch(size: int, label: str, district: str | None = None,
                 admin: User | None = None, valid_days: int | None = None
                 ) -> tuple[VerificationBatch, list[str]]:
    """Make a batch of codes; return it and the codes, which exist only in this answer."""
    if not 1 <= size <= MAX_BATCH:
        raise ValueError(f"a batch holds 1 to {MAX_BATCH} codes")
    expires = utcnow() + timedelta(days=valid_days) if valid_days else None
    batch = VerificationBatch(label=label.strip()[:200], district=(district or "").strip()[:100]
                              or None, size=size, expires_at=expires)
    db.session.add(batch)
    db.session.flush()
    made = codes.make(batch)
    audit.record("verification_batch_created", admin, detail=_facts(batch, size=size))
    db.session.commit()
    return batch, made


def redeem(user: User, typed: str) -> Redeemed:
    """Verify a person with a code, spending it (commits)."""
    if user.verified_at is not None:
        return Redeemed.ALREADY
    batch = codes.spend(typed)
    if batch is None:
        db.session.rollback()
        return Redeemed.REFUSED
    user.verified_at, user.district, user.verified_batch_id = utcnow(), batch.district, batch.id
    _move_supports(select(User.id).where(User.id == user.id), +1)
    thresholds.check(select(Support.proposal_id).where(Support.user_id == user.id))
    db.session.commit()
    return Redeemed.VERIFIED


def revoke_batch(batch: VerificationBatch, admin: User | None = None) -> int:
    """Stop a batch's codes working and un-verify its accounts; return how many (commits)."""
    if batch.revoked_at is not None:
        return 0
    batch.revoked_at = utcnow()
    people = select(User.id).where(User.verified_batch_id == batch.id)
    _move_supports(people, -1)
    unverified = rows_changed(db.session.execute(
        update(User).where(User.verified_batch_id == batch.id)
        .values(verified_at=None, district=None, verified_batch_id=None)
        .execution_options(synchronize_session=False)))
    audit.record("verification_batch_revoked", admin, detail=_facts(batch, size=unverified))
    db.session.commit()
    db.session.expire_all()
    return unverified


def _facts(batch: VerificationBatch, size: int) -> str:
    """What the audit log keeps about a batch: no code, of course."""
    return json.dumps({"batch": batch.id, "label": batch.label, "district": batch.district,
                       "size": size})


def _move_supports(people: Select, delta: int) -> None:
    """Count (delta 1) or stop counting (-1) some people's supports as verified residents',
    in one statement however many they are."""
    theirs = Support.user_id.in_(people)
    per_proposal = select(func.count(Support.id)).where(
        Support.proposal_id == Proposal.id, theirs).scalar_subquery()
    db.session.execute(update(Proposal)
                       .where(Proposal.id.in_(select(Support.proposal_id).where(theirs)))
                       .values(verified_support_count=Proposal.verified_support_count
                               + delta * per_proposal)
                       .execution_options(synchronize_session=False))


def batches() -> list[tuple[VerificationBatch, int, int]]:
    """Return every batch, newest first, with its redeemed codes and verified accounts."""
    redeemed = select(func.count(VerificationCode.id)).where(
        VerificationCode.batch_id == VerificationBatch.id,
        VerificationCode.redeemed_at.is_not(None)).scalar_subquery()
    verified = select(func.count(User.id)).where(
        User.verified_batch_id == VerificationBatch.id).scalar_subquery()
    return [(row[0], row[1], row[2]) for row in db.session.execute(
        select(VerificationBatch, redeemed, verified).order_by(VerificationBatch.id.desc()))]
