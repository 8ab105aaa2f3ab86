"""Claims with leases and fences, shared by every kind of job a worker runs.

A job row is owed (`pending`) until a worker claims it: the claim writes a token unique to
that claim (`claimed_by`) and a lease (`lease_until`) in one committed statement. While
the claim holds, only that claim may finish the job: every finishing write is
conditional on the token, so a worker that was slow, frozen or whose lease ran out finds
its token gone and its result is discarded instead of overwriting someone else's. An
event that makes the work obsolete (an edit) resets the row and drops the token, which
fences out the old claim in the same way. A job whose worker died is claimable again
once its lease has run out.

On PostgreSQL a claim selects rows `FOR UPDATE SKIP LOCKED` and updates them in the same
transaction, so concurrent workers on any host skip each other's rows instead of waiting
or double-claiming; on SQLite a claim is one UPDATE over a sub-select, which takes the
write lock up front, so claims are serialised.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import String, and_, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import db, is_postgresql, rows_changed, utcnow


class JobState(StrEnum):
    """Where a job stands."""

    PENDING = "pending"          # owed; any worker may claim it once not_before has passed
    RUNNING = "running"          # claimed by one worker until lease_until
    DONE = "done"
    FAILED = "failed"            # gave up after the last attempt; shown to admins
    UNAVAILABLE = "unavailable"  # translation only: no engine or route for the pair
    CANCELLED = "cancelled"      # mail only: nothing to send any more (address gone, old news)


class LeasedJob:
    """Columns every leased job has (a mixin for job models)."""

    state: Mapped[str] = mapped_column(String(16), default=JobState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


def clock() -> datetime:
    """Return the time leases are measured by (tests replace it to expire leases)."""
    return utcnow()


def new_token(worker_name: str) -> str:
    """Return a token unique to one claim by one worker."""
    return f"{worker_name}:{uuid.uuid4().hex[:12]}"[:64]


def worker_of(token: str) -> str:
    """Return the name of the worker that made a claim."""
    return token.rpartition(":")[0]


def claimable(model, now):
    """Say which rows a worker may claim now: owed ones, and those whose lease ran out."""
    return or_(and_(model.state == JobState.PENDING, model.not_before <= now),
               and_(model.state == JobState.RUNNING, model.lease_until < now))


def claim(model, token: str, limit: int, lease_seconds: float, where=None) -> list:
    """Claim up to `limit` jobs of `model` for the claim `token`, and commit the claim."""
    now = clock()
    condition = claimable(model, now) if where is None else and_(claimable(model, now), where)
    candidates = (select(model.id).where(condition)
                  .order_by(model.not_before, model.id).limit(limit)
                  .with_for_update(skip_locked=True))
    if is_postgresql():
        # Two statements in one transaction: the rows stay locked until the commit. As
        # a sub-select of the UPDATE, PostgreSQL may re-run the LIMIT query and claim more.
        chosen = model.id.in_(list(db.session.scalars(candidates)))
    else:
        # One statement on SQLite, which takes the write lock up front (no lock upgrade).
        chosen = model.id.in_(candidates.scalar_subquery())
    db.session.execute(
        update(model).where(chosen, condition)
        .values(state=JobState.RUNNING, claimed_by=token,
                lease_until=now + timedelta(seconds=lease_seconds),
                attempts=model.attempts + 1, updated_at=now)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return list(db.session.scalars(select(model).where(
        model.claimed_by == token, model.state == JobState.RUNNING).order_by(model.id)))


def holds(model, token: str):
    """The condition under which the claim `token` still owns a row."""
    return and_(model.claimed_by == token, model.state == JobState.RUNNING)


def finish(model, job_id: int, token: str, **values) -> bool:
    """Write `values` to a job and end the claim, only if `token` still holds it.

    This is the fence: the caller commits it together with the job's result, and stores
    nothing if it returns False (another claim, or an edit, has taken the job over).
    """
    result = db.session.execute(
        update(model).where(model.id == job_id, holds(model, token))
        .values(claimed_by=None, lease_until=None, updated_at=clock(), **values)
        .execution_options(synchronize_session=False))
    return rows_changed(result) == 1


def renew(model, token: str, lease_seconds: float) -> set[int]:
    """Extend the lease of the jobs `token` still holds; return their ids, and commit."""
    now = clock()
    held = set(db.session.scalars(
        update(model).where(holds(model, token))
        .values(lease_until=now + timedelta(seconds=lease_seconds), updated_at=now)
        .returning(model.id).execution_options(synchronize_session=False)))
    db.session.commit()
    return held


def back_off(attempts: int, base_seconds: float) -> datetime:
    """Return when a job that failed `attempts` times may be tried again."""
    return clock() + timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0))


def release(model, worker_name: str) -> int:
    """Hand back the running jobs of a stopping worker, so others take them at once."""
    result = db.session.execute(
        update(model)
        .where(model.state == JobState.RUNNING,
               model.claimed_by.startswith(worker_name + ":", autoescape=True))
        .values(state=JobState.PENDING, claimed_by=None, lease_until=None,
                attempts=model.attempts - 1, updated_at=clock())
        .execution_options(synchronize_session=False))
    db.session.commit()
    return rows_changed(result)
