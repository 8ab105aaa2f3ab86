"""Claiming, finishing and failing translation jobs, safely shared by any number of workers.

On PostgreSQL a claim selects claimable rows `FOR UPDATE SKIP LOCKED` and updates them in
the same transaction, so concurrent workers on any host skip each other's rows instead of
waiting or double-claiming; on SQLite a claim is one UPDATE over a sub-select, which takes
the write lock up front, so claims are serialised. A claim carries a unique token and a
lease: finishing a job requires the token to still be there (an edit in the meantime
resets the job and drops the token), and a job whose worker died is claimable again once
its lease has run out.
"""
from __future__ import annotations

import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from forum.db import db, is_postgresql, utcnow
from forum.machine_translation.models import JobState, TranslationJob


def new_claim_token(worker_name: str) -> str:
    """Return a token unique to one claim by one worker."""
    return f"{worker_name}:{uuid.uuid4().hex[:12]}"[:64]


def _claimable(now):
    return or_(and_(TranslationJob.state == JobState.PENDING, TranslationJob.not_before <= now),
               and_(TranslationJob.state == JobState.RUNNING, TranslationJob.lease_until < now))


def claim(token: str, limit: int) -> list[TranslationJob]:
    """Claim up to `limit` owed jobs for the claim `token`, and commit the claim."""
    now = utcnow()
    lease = timedelta(seconds=current_app.config["MT_LEASE_SECONDS"])
    candidates = (select(TranslationJob.id).where(_claimable(now))
                  .order_by(TranslationJob.not_before, TranslationJob.id).limit(limit)
                  .with_for_update(skip_locked=True))
    if is_postgresql():
        # Two statements in one transaction: the rows stay locked until the commit. As
        # a sub-select of the UPDATE, PostgreSQL may re-run the LIMIT query and claim more.
        chosen = TranslationJob.id.in_(list(db.session.scalars(candidates)))
    else:
        # One statement on SQLite, which takes the write lock up front (no lock upgrade).
        chosen = TranslationJob.id.in_(candidates.scalar_subquery())
    db.session.execute(
        update(TranslationJob)
        .where(chosen, _claimable(now))
        .values(state=JobState.RUNNING, claimed_by=token, lease_until=now + lease,
                attempts=TranslationJob.attempts + 1, updated_at=now)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return list(db.session.scalars(select(TranslationJob).where(
        TranslationJob.claimed_by == token, TranslationJob.state == JobState.RUNNING)))


def _finish(job_id: int, token: str, **values) -> bool:
    result = db.session.execute(
        update(TranslationJob)
        .where(TranslationJob.id == job_id, TranslationJob.claimed_by == token,
               TranslationJob.state == JobState.RUNNING)
        .values(claimed_by=None, lease_until=None, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def complete(job_id: int, token: str, engine: str | None) -> bool:
    """Mark a job done if this claim still holds it (the caller commits)."""
    return _finish(job_id, token, state=JobState.DONE, engine=engine, last_error=None,
                   done_at=utcnow(), worker=token.rpartition(":")[0])


def fail(job: TranslationJob, token: str, error: str) -> bool:
    """Record a failure: retry later with back-off, or give up after the last attempt."""
    config = current_app.config
    if job.attempts >= config["MT_MAX_ATTEMPTS"]:
        return _finish(job.id, token, state=JobState.FAILED, last_error=error[:2000])
    delay = config["MT_RETRY_BASE_SECONDS"] * 2 ** max(job.attempts - 1, 0)
    return _finish(job.id, token, state=JobState.PENDING, last_error=error[:2000],
                   not_before=utcnow() + timedelta(seconds=delay))


def unavailable(job_id: int, token: str, reason: str) -> bool:
    """Park a job whose language pair no engine offers; `requeue` wakes it up later."""
    return _finish(job_id, token, state=JobState.UNAVAILABLE, last_error=reason[:2000])


def release(token_prefix: str) -> int:
    """Hand back the running jobs of a stopping worker, so others take them at once."""
    result = db.session.execute(
        update(TranslationJob)
        .where(TranslationJob.state == JobState.RUNNING,
               TranslationJob.claimed_by.startswith(token_prefix + ":", autoescape=True))
        .values(state=JobState.PENDING, claimed_by=None, lease_until=None,
                attempts=TranslationJob.attempts - 1, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount


def requeue(states=(JobState.UNAVAILABLE,)) -> int:
    """Make jobs in `states` owed again now (after installing a pair, or on request)."""
    now = utcnow()
    result = db.session.execute(
        update(TranslationJob).where(TranslationJob.state.in_(list(states)))
        .values(state=JobState.PENDING, attempts=0, not_before=now, updated_at=now,
                claimed_by=None, lease_until=None)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount
