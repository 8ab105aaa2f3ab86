"""A worker keeps few engine processes: claims of one language pair, a bounded set of
Apertium pipelines, and none at all after an idle spell."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

import factories
from forum.db import db, utcnow
from forum.machine_translation import queue
from forum.machine_translation.engines import build_engines, build_router
from forum.machine_translation.engines.apertium import ApertiumEngine
from forum.machine_translation.models import JobState, Translation, TranslationJob
from forum.machine_translation.worker import Worker
from support_mt import need_apertium


def owed_since(language: str, seconds: float) -> None:
    """Make the jobs into `language` look owed for `seconds`."""
    db.session.execute(update(TranslationJob).where(TranslationJob.language == language)
                       .values(not_before=utcnow() - timedelta(seconds=seconds)))
    db.session.commit()


def test_jobs_remember_their_items_language_and_a_claim_can_take_one_pair(app):
    proposal = factories.proposal()  # English
    factories.comment(proposal, factories.user(language="ca"))
    pairs = {(job.source_language, job.language)
             for job in db.session.scalars(select(TranslationJob))}
    assert pairs == {("en", "es"), ("en", "fr"), ("en", "ca"),
                     ("ca", "en"), ("ca", "es"), ("ca", "fr")}

    mine = queue.claim("w1:a", limit=100, pair=("ca", "es"))
    assert [(job.item_type, job.source_language, job.language) for job in mine] == [
        ("comment", "ca", "es")]
    assert ("ca", "es") not in {(job.source_language, job.language)
                                for job in queue.claim("w2:b", limit=100)}


def test_a_worker_stays_on_its_pair_until_another_has_waited_too_long(app):
    factories.proposal()  # English: owed in es, fr and ca
    owed_since("es", 20)
    owed_since("fr", 10)
    owed_since("ca", 5)

    assert queue.next_pair(None, switch_seconds=30) == ("en", "es")  # the oldest job's
    assert queue.next_pair(("en", "ca"), switch_seconds=30) == ("en", "ca")  # es: 20 s only
    assert queue.next_pair(("en", "ca"), switch_seconds=15) == ("en", "es")  # waited too long
    queue.claim("w1:a", limit=100, pair=("en", "ca"))
    assert queue.next_pair(("en", "ca"), switch_seconds=30) == ("en", "es")  # none left
    queue.claim("w1:b", limit=100)
    assert queue.next_pair(("en", "es"), switch_seconds=30) is None


def test_jobs_queued_before_the_upgrade_form_a_pair_of_their_own(app):
    factories.proposal()  # and its topic
    db.session.execute(update(TranslationJob).values(source_language=None))
    db.session.commit()
    assert queue.next_pair(None, switch_seconds=30)[0] is None
    claimed = queue.claim("w1:a", limit=100, pair=(None, "fr"))
    assert len(claimed) == 2 and {job.language for job in claimed} == {"fr"}


def test_a_worker_translates_one_language_after_another_with_bounded_pipelines(
        app, monkeypatch):
    need_apertium()
    app.config.update(LANGUAGES=["en", "es", "ca"], MT_CLAIM_BATCH=3,
                      MT_APERTIUM_MAX_PIPELINES=2)
    proposal = factories.proposal()  # English
    for n in range(4):
        factories.comment(proposal, factories.user(language="ca"), f"Tinc {n} gats.")
        factories.comment(proposal, factories.user(language="es"), f"Tengo {n} gatos.")
    started: list[tuple[str, int]] = []
    new_pipeline = ApertiumEngine._new_pipeline

    def counted(engine, mode):
        started.append((mode, len(engine._pipelines)))  # mode, pipelines already running
        return new_pipeline(engine, mode)

    monkeypatch.setattr(ApertiumEngine, "_new_pipeline", counted)
    languages: list[str] = []
    process = Worker.process

    def recorded(worker, jobs, token):
        languages.append({(job.source_language, job.language) for job in jobs})
        return process(worker, jobs, token)

    monkeypatch.setattr(Worker, "process", recorded)
    router = build_router(app.config)
    try:
        Worker(router, "bounded").run(once=True)
    finally:
        router.close()

    assert all(len(batch) == 1 for batch in languages)  # every claim of one pair
    pairs = [batch.pop() for batch in languages]
    switches = sum(1 for before, after in zip(pairs, pairs[1:], strict=False) if before != after)
    assert len(pairs) > 6 and switches == 5  # each of the 6 pairs drained before the next
    # Every pipeline started once, and never more than two running, though there are six.
    assert sorted(mode for mode, _ in started) == sorted(
        ["eng-spa", "cat-spa", "eng-cat", "spa-cat", "cat-eng", "spa-eng"])
    assert max(running for _, running in started) <= 2
    assert {job.state for job in db.session.scalars(select(TranslationJob))} == {
        JobState.DONE}


def test_an_idle_worker_stops_its_pipelines_and_starts_them_again_for_new_work(app):
    need_apertium()
    app.config.update(MT_IDLE_RELEASE_SECONDS=300)
    now = [1000.0]
    router = build_router(app.config)
    apertium = router._by_name["apertium"]
    worker = Worker(router, "resting", clock=lambda: now[0])
    try:
        proposal = factories.proposal()
        factories.comment(proposal, factories.user(language="ca"), "Tinc dos gats.")
        worker.run(once=True)
        running = apertium.pipeline_pids("ca", "es")
        assert running

        now[0] += 299
        worker.run_batch()
        assert apertium.pipeline_pids("ca", "es") == running  # not idle long enough
        now[0] += 2
        worker.run_batch()
        assert apertium.pipeline_pids("ca", "es") == []  # stopped, memory given back

        factories.comment(proposal, factories.user(language="ca"), "Tinc tres gats.")
        worker.run(once=True)
        assert apertium.pipeline_pids("ca", "es")  # started again for the new comment
    finally:
        router.close()
    spanish = set(db.session.scalars(select(Translation.text).where(Translation.language == "es")))
    assert {"Tengo dos gatos.", "Tengo tres gatos."} <= spanish


@pytest.mark.parametrize(("setting", "bound"), [(3, 3), (0, None)])
def test_the_pipeline_bound_comes_from_the_settings(app, setting, bound):
    app.config["MT_APERTIUM_MAX_PIPELINES"] = setting
    apertium = next(e for e in build_engines(app.config) if e.name == "apertium")
    assert apertium.max_pipelines == bound
