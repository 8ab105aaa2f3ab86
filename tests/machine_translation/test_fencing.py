"""A late worker never overwrites a newer translation: claims are fenced.

Two real workers (threads with their own sessions, real Apertium) and an edit are
interleaved at each step of claim → translate → store; leases expire by a clock the test
moves, not by sleeping. Every test ends by checking what a reader would get: a current
translation of the latest text in every language, every job done, and a reconciliation
check that finds nothing.
"""
from __future__ import annotations

import pytest
from interleave import close, held
from sqlalchemy import func, select, update

import factories
from forum.comments import service as comments
from forum.comments.models import Comment
from forum.db import db
from forum.machine_translation import reconcile
from forum.machine_translation.models import JobState, Translation, TranslationJob
from forum.machine_translation.translatable import source_hash
from forum.search.models import SearchDocument
from support_mt import need_apertium, run_worker

OLD = "Estic d'acord amb aquesta proposta."
NEW = "Un text nou sobre els parcs."
NEW_IN = {"en": "A new text on the parks.", "es": "Un texto nuevo sobre los parques."}


@pytest.fixture
def comment(app):
    """A Catalan comment on a proposal whose own translations are already done."""
    need_apertium()
    proposal = factories.proposal()
    run_worker(app, "setup")
    return factories.comment(proposal, factories.user(language="ca"), OLD)


def translations(comment_id: int) -> dict[str, Translation]:
    db.session.expire_all()
    rows = db.session.scalars(select(Translation).where(Translation.item_type == "comment",
                                                        Translation.item_id == comment_id))
    return {row.language: row for row in rows}


def jobs(comment_id: int) -> dict[str, TranslationJob]:
    db.session.expire_all()
    rows = db.session.scalars(select(TranslationJob).where(
        TranslationJob.item_type == "comment", TranslationJob.item_id == comment_id))
    return {job.language: job for job in rows}


def assert_current(comment_id: int, text: str) -> None:
    """Readers in every language get a translation of `text`, and nothing is owed."""
    rows = translations(comment_id)
    assert sorted(rows) == ["en", "es", "fr"]
    assert {row.source_hash for row in rows.values()} == {source_hash("ca", text)}
    if text == NEW:
        assert {lang: rows[lang].text for lang in NEW_IN} == NEW_IN
    assert {job.state for job in jobs(comment_id).values()} == {JobState.DONE}
    assert reconcile.check(repair=False).problems == 0


def test_a_slow_worker_does_not_overwrite_the_translation_of_an_edit(app, comment):
    slow, running = held(app, "slow", "translating")
    comments.edit_comment(comment, NEW, "ca", None)
    run_worker(app, "fast")
    slow.hold.release()
    running.join()
    close(slow)

    assert_current(comment.id, NEW)
    assert {job.worker for job in jobs(comment.id).values()} == {"fast"}
    assert slow.tally.stored == 0 and slow.tally.lost_claim >= 1


def test_an_edit_right_after_the_claim_leaves_the_work_to_the_next_claim(app, comment):
    slow, running = held(app, "slow", "claimed")
    comments.edit_comment(comment, NEW, "ca", None)
    slow.hold.release()
    running.join()
    run_worker(app, "next")
    close(slow)

    assert_current(comment.id, NEW)
    assert slow.router.calls == 0  # it saw its claim gone before translating anything
    assert {job.worker for job in jobs(comment.id).values()} == {"next"}


def test_an_edit_just_before_the_store_is_translated_again(app, comment):
    slow, running = held(app, "slow", "storing")
    comments.edit_comment(comment, NEW, "ca", None)
    slow.hold.release()
    running.join()
    assert translations(comment.id) == {}  # the translation of the old text was not stored
    assert {job.state for job in jobs(comment.id).values()} == {JobState.PENDING}

    run_worker(app, "next")
    close(slow)
    assert_current(comment.id, NEW)


def test_a_text_changed_behind_the_outboxs_back_is_owed_again(app, comment):
    # A change that does not reset the jobs (here a bulk UPDATE) still fences the result:
    # the store compares the hash of the text it translated with the text as committed.
    slow, running = held(app, "slow", "storing")
    db.session.execute(update(Comment).where(Comment.id == comment.id)
                       .values(body_source=NEW, body_html=f"<p>{NEW}</p>"))
    db.session.commit()
    slow.hold.release()
    running.join()
    assert slow.tally.text_changed >= 1 and slow.tally.stored < 3
    assert all(row.source_hash == source_hash("ca", OLD)  # translations of OLD, if any, ...
               for row in translations(comment.id).values())
    assert JobState.PENDING in {job.state for job in jobs(comment.id).values()}  # ... owed again

    run_worker(app, "next")
    close(slow)
    assert_current(comment.id, NEW)


def test_a_worker_past_its_lease_loses_to_the_one_that_took_over(app, comment, clock):
    slow, running = held(app, "slow", "translating")
    clock.advance(app.config["MT_LEASE_SECONDS"] + 1)
    run_worker(app, "fast")  # takes the expired claims over and stores
    slow.hold.release()
    running.join()
    close(slow)

    assert_current(comment.id, OLD)
    # A claim takes jobs of one language pair: fast took slow's over, and did the rest afresh.
    done = jobs(comment.id)
    assert {(job.worker, job.attempts) for job in done.values()} == {("fast", 2), ("fast", 1)}
    assert done[slow.pair[1]].attempts == 2
    assert slow.tally.stored == 0 and slow.tally.lost_claim == 1


def test_a_worker_past_its_lease_still_stores_if_nobody_took_over(app, comment, clock):
    slow, running = held(app, "slow", "storing")
    clock.advance(app.config["MT_LEASE_SECONDS"] + 1)
    slow.hold.release()
    running.join()
    close(slow)

    assert slow.tally.stored == 1 and slow.tally.discarded == 0  # its one language
    assert jobs(comment.id)[slow.pair[1]].state == JobState.DONE
    run_worker(app, "next")
    assert_current(comment.id, OLD)


def test_of_two_claims_on_an_expired_lease_only_the_holder_stores(app, comment, clock):
    first, first_running = held(app, "first", "storing")
    clock.advance(app.config["MT_LEASE_SECONDS"] + 1)
    second, second_running = held(app, "second", "storing")  # took the jobs over
    first.hold.release()
    first_running.join()
    assert first.tally.stored == 0 and translations(comment.id) == {}

    second.hold.release()
    second_running.join()
    close(first, second)
    assert second.pair == first.pair and second.tally.stored == 1
    run_worker(app, "next")
    assert_current(comment.id, OLD)


def test_a_late_worker_never_brings_back_the_translation_of_an_erased_comment(app, comment):
    slow, running = held(app, "slow", "translating")
    comments.delete_comment(comment)
    slow.hold.release()
    running.join()
    close(slow)

    assert translations(comment.id) == {} and jobs(comment.id) == {}
    assert db.session.scalar(select(func.count()).select_from(SearchDocument).where(
        SearchDocument.item_type == "comment", SearchDocument.item_id == comment.id)) == 0
    assert reconcile.check(repair=False).problems == 0
