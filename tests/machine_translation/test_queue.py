"""Workers claim owed jobs exclusively, with leases, back-off and hand-back."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select, update

import factories
from forum.db import db, utcnow
from forum.machine_translation import queue
from forum.machine_translation.models import JobState, TranslationJob


def owed(count: int) -> list[int]:
    proposal = factories.proposal()
    for _ in range(count - 1):
        factories.comment(proposal)
    return list(db.session.scalars(select(TranslationJob.id)))


def test_a_claim_takes_pending_jobs_and_counts_an_attempt(app):
    ids = owed(2)

    jobs = queue.claim("w1:a", limit=100)

    assert sorted(j.id for j in jobs) == sorted(ids)
    assert {(j.state, j.claimed_by, j.attempts) for j in jobs} == {(JobState.RUNNING, "w1:a", 1)}
    assert queue.claim("w2:b", limit=100) == []


def test_a_claim_respects_its_limit(app):
    owed(3)

    assert len(queue.claim("w1:a", limit=4)) == 4


def test_complete_needs_the_claim_to_still_hold(app):
    owed(1)
    job = queue.claim("w1:a", limit=1)[0]

    assert not queue.complete(job.id, "someone-else:x", engine="apertium:eng-spa")
    assert queue.complete(job.id, "w1:a", engine="apertium:eng-spa")
    db.session.commit()
    db.session.refresh(job)
    assert (job.state, job.claimed_by, job.engine) == (JobState.DONE, None, "apertium:eng-spa")


def test_failures_back_off_then_give_up(app):
    app.config.update(MT_RETRY_BASE_SECONDS=30, MT_MAX_ATTEMPTS=2)
    owed(1)
    job = queue.claim("w1:a", limit=1)[0]

    queue.fail(job.id, job.attempts, "w1:a", "engine crashed")
    db.session.commit()
    db.session.refresh(job)
    assert job.state == JobState.PENDING and job.last_error == "engine crashed"
    assert job.not_before > utcnow() + timedelta(seconds=25)
    assert (queue.claim("w1:b", limit=10) == []
            or all(j.id != job.id for j in queue.claim("w1:c", 10)))

    job.not_before = utcnow()
    db.session.commit()
    again = [j for j in queue.claim("w1:d", limit=10) if j.id == job.id][0]
    queue.fail(again.id, again.attempts, "w1:d", "engine crashed again")
    db.session.commit()
    db.session.refresh(job)
    assert (job.state, job.attempts) == (JobState.FAILED, 2)


def test_an_expired_lease_lets_another_worker_take_over(app):
    ids = owed(1)
    dead = queue.claim("dead:a", limit=100)
    assert queue.claim("alive:b", limit=100) == []

    db.session.execute(update(TranslationJob).values(lease_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    taken = queue.claim("alive:b", limit=100)

    assert sorted(j.id for j in taken) == sorted(ids) and {j.attempts for j in taken} == {2}
    assert not queue.complete(dead[0].id, "dead:a", engine="late")  # the dead worker lost it


def test_release_hands_back_a_stopping_workers_jobs(app):
    ids = owed(1)
    queue.claim("w1:a", limit=100)

    assert queue.release("w1") == len(ids)
    jobs = queue.claim("w2:b", limit=100)
    assert len(jobs) == len(ids) and {j.attempts for j in jobs} == {1}


def test_requeue_wakes_unavailable_jobs(app):
    owed(1)
    job = queue.claim("w1:a", limit=1)[0]
    queue.unavailable(job.id, "w1:a", "no route from en to fr")
    db.session.commit()

    assert queue.requeue() == 1
    assert [j.id for j in queue.claim("w1:b", limit=10)].count(job.id) == 1


def test_concurrent_claims_never_share_a_job(app):
    ids = owed(40)  # 126 jobs
    claimed: list[list[int]] = []

    def claim_all(name: str) -> None:
        mine = []
        with app.app_context():
            while jobs := queue.claim(f"{name}:{len(mine)}", limit=7):
                mine.extend(j.id for j in jobs)
            db.session.remove()
        claimed.append(mine)

    threads = [threading.Thread(target=claim_all, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    every = [job_id for mine in claimed for job_id in mine]
    assert sorted(every) == sorted(ids)  # each job claimed exactly once
    assert sum(1 for mine in claimed if mine) >= 2  # and the work was actually shared
