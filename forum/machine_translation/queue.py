"""Claiming, finishing and failing translation jobs, safely shared by any number of workers.

Claims, leases and fences work as `forum.leases` describes. Every write that finishes a
job is conditional on the claim's token; the worker commits it together with the
translations, so a job is done if and only if its result was stored by the claim that
held it.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, select, update

from forum import leases
from forum.db import db, rows_changed
from forum.leases import JobState
from forum.machine_translation.models import TranslationJob


def new_claim_token(worker_name: str) -> str:
    """Return a token unique to one claim by one worker."""
    return leases.new_token(worker_name)


def _lease_seconds() -> float:
    return current_app.config["MT_LEASE_SECONDS"]


Pair = tuple[str | None, str]  # (the items' language as queued, the target language)


def claim(token: str, limit: int, pair: Pair | None = None) -> list[TranslationJob]:
    """Claim up to `limit` owed jobs (of one language pair, if given), and commit the claim."""
    return leases.claim(TranslationJob, token, limit, _lease_seconds(),
                        where=None if pair is None else _of_pair(pair))


def next_pair(current: Pair | None, switch_seconds: float) -> Pair | None:
    """Choose the language pair of the next claim: `current` while it has owed jobs,
    unless a job of another pair has waited `switch_seconds`; else the oldest job's pair.

    Claims of one pair use the same engine pipelines batch after batch, so a worker that
    keeps only a few running does not stop and restart them every batch. Returns None
    when nothing is owed. Ends its read transaction.
    """
    now = leases.clock()
    owed = leases.claimable(TranslationJob, now)
    oldest = db.session.execute(
        select(TranslationJob.source_language, TranslationJob.language,
               TranslationJob.not_before).where(owed)
        .order_by(TranslationJob.not_before, TranslationJob.id).limit(1)).first()
    chosen: Pair | None = None if oldest is None else (oldest[0], oldest[1])
    if (oldest is not None and current not in (None, chosen)
            and oldest.not_before > now - timedelta(seconds=switch_seconds)):
        assert current is not None
        still_owed = db.session.scalar(
            select(TranslationJob.id).where(owed, _of_pair(current)).limit(1))
        if still_owed is not None:
            chosen = current
    db.session.commit()  # an idle worker must not sit in an open transaction
    return chosen


def _of_pair(pair: Pair):
    source, target = pair
    same_source = (TranslationJob.source_language.is_(None) if source is None
                   else TranslationJob.source_language == source)
    return and_(same_source, TranslationJob.language == target)


def renew(token: str) -> set[int]:
    """Extend the lease of the jobs `token` still holds; return their ids (commits)."""
    return leases.renew(TranslationJob, token, _lease_seconds())


def complete(job_id: int, token: str, engine: str | None) -> bool:
    """Mark a job done if this claim still holds it (the caller commits)."""
    return leases.finish(TranslationJob, job_id, token, state=JobState.DONE, engine=engine,
                         last_error=None, done_at=leases.clock(),
                         worker=leases.worker_of(token))


def text_changed(job_id: int, token: str) -> bool:
    """Owe a job again for its item's current text, which changed during the claim."""
    return leases.finish(TranslationJob, job_id, token, state=JobState.PENDING, attempts=0,
                         not_before=leases.clock())


def fail(job_id: int, attempts: int, token: str, error: str) -> bool:
    """Record a failure: retry later with back-off, or give up after the last attempt."""
    config = current_app.config
    if attempts >= config["MT_MAX_ATTEMPTS"]:
        return leases.finish(TranslationJob, job_id, token, state=JobState.FAILED,
                             last_error=error[:2000])
    return leases.finish(TranslationJob, job_id, token, state=JobState.PENDING,
                         last_error=error[:2000],
                         not_before=leases.back_off(attempts, config["MT_RETRY_BASE_SECONDS"]))


def unavailable(job_id: int, token: str, reason: str) -> bool:
    """Park a job whose language pair no engine offers; `requeue` wakes it up later."""
    return leases.finish(TranslationJob, job_id, token, state=JobState.UNAVAILABLE,
                         last_error=reason[:2000])


def release(worker_name: str) -> int:
    """Hand back the running jobs of a stopping worker, so others take them at once."""
    return leases.release(TranslationJob, worker_name)


def requeue(states=(JobState.UNAVAILABLE,)) -> int:
    """Make jobs in `states` owed again now (after installing a pair, or on request)."""
    now = leases.clock()
    result = db.session.execute(
        update(TranslationJob).where(TranslationJob.state.in_(list(states)))
        .values(state=JobState.PENDING, attempts=0, not_before=now, updated_at=now,
                claimed_by=None, lease_until=None)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return rows_changed(result)
