"""The reconciliation check: zero on a healthy instance; finds and repairs every kind of gap."""
from __future__ import annotations

from sqlalchemy import delete, func, select, update

import factories
from forum.comments import service as comments
from forum.comments.models import Comment
from forum.db import db
from forum.machine_translation import reconcile
from forum.machine_translation.models import JobState, Translation, TranslationJob
from forum.machine_translation.translatable import source_hash
from support_mt import need_apertium, run_worker


def translated_thread(app):
    need_apertium()
    proposal = factories.proposal(title="Benches along the river path")
    author = factories.user(language="ca")
    first = factories.comment(proposal, author, "Estic d'acord amb aquesta proposta.")
    second = factories.comment(proposal, author, "Cal més arbres a la plaça.")
    run_worker(app)
    return proposal, first, second


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def job_state(item_type: str, item_id: int, language: str) -> str:
    return db.session.scalar(select(TranslationJob.state).where(
        TranslationJob.item_type == item_type, TranslationJob.item_id == item_id,
        TranslationJob.language == language))


def test_a_healthy_instance_reports_nothing(app):
    translated_thread(app)

    report = reconcile.check()

    # topic (3 languages), proposal (3), two Catalan comments (3 each)
    assert (report.checked, report.problems, report.examples) == (12, 0, [])


def test_a_done_job_without_its_translation_is_owed_again_and_redone(app):
    _, first, _ = translated_thread(app)
    db.session.execute(delete(Translation).where(Translation.item_type == "comment",
                                                 Translation.item_id == first.id,
                                                 Translation.language == "es"))
    db.session.commit()

    report = reconcile.check()
    assert (report.stale_done, report.problems) == (1, 1)
    assert report.examples == [f"comment {first.id} -> es: done without a current translation"]
    assert job_state("comment", first.id, "es") == JobState.PENDING

    run_worker(app)
    assert reconcile.check().problems == 0
    assert count(Translation, Translation.item_id == first.id, Translation.item_type == "comment",
                 Translation.language == "es") == 1


def test_a_done_job_with_a_translation_of_another_text_is_owed_again(app):
    _, _, second = translated_thread(app)
    db.session.execute(update(Comment).where(Comment.id == second.id)  # behind the outbox
                       .values(body_source="Un text nou sobre els parcs."))
    db.session.commit()

    assert reconcile.check().stale_done == 3
    run_worker(app)
    assert reconcile.check().problems == 0
    english = db.session.scalar(select(Translation).where(
        Translation.item_type == "comment", Translation.item_id == second.id,
        Translation.language == "en"))
    assert english.text == "A new text on the parks."
    assert english.source_hash == source_hash("ca", "Un text nou sobre els parcs.")


def test_a_text_never_queued_is_queued(app):
    proposal, _, _ = translated_thread(app)
    db.session.execute(delete(TranslationJob).where(TranslationJob.item_type == "proposal"))
    db.session.commit()

    report = reconcile.check()
    assert report.never_queued == 3
    assert job_state("proposal", proposal.id, "fr") == JobState.PENDING
    assert reconcile.check().problems == 0  # owed now: nothing more to report


def test_translations_of_erased_and_deleted_texts_are_removed(app):
    _, first, second = translated_thread(app)
    comments.delete_comment(first)  # the outbox drops its translations itself ...
    for language in ("en", "es"):  # ... so put some back, as an old bug could have
        db.session.add(Translation(item_type="comment", item_id=first.id, field="body",
                                   language=language, source_language="ca", source_hash="x",
                                   text="leftover", engine="apertium:cat-eng"))
        db.session.add(Translation(item_type="comment", item_id=9999, field="body",
                                   language=language, source_language="ca", source_hash="x",
                                   text="leftover", engine="apertium:cat-eng"))
    db.session.commit()

    report = reconcile.check()

    assert report.leftovers == 2
    assert count(Translation, Translation.text == "leftover") == 0
    assert count(Translation, Translation.item_id == second.id) == 3  # the rest untouched
    assert reconcile.check().problems == 0


def test_a_dry_run_changes_nothing(app):
    _, first, _ = translated_thread(app)
    db.session.execute(delete(Translation).where(Translation.item_id == first.id,
                                                 Translation.item_type == "comment"))
    db.session.commit()

    assert reconcile.check(repair=False).stale_done == 3
    assert reconcile.check(repair=False).stale_done == 3
    assert job_state("comment", first.id, "en") == JobState.DONE


def test_a_job_redone_since_it_was_read_is_not_owed_again(app):
    _, first, _ = translated_thread(app)
    job = db.session.scalar(select(TranslationJob).where(
        TranslationJob.item_type == "comment", TranslationJob.item_id == first.id))

    assert not reconcile._owe_again(job.id, None)  # done at another time than what was read
    assert reconcile._owe_again(job.id, job.done_at)


def test_the_cli_check_reports_repairs_and_says_so_in_its_exit_status(app, runner):
    _, first, _ = translated_thread(app)
    healthy = runner.invoke(args=["forum", "mt", "status", "--check"])
    assert healthy.exit_code == 0, healthy.output
    assert "0 done without a current translation" in healthy.output

    db.session.execute(delete(Translation).where(Translation.item_id == first.id,
                                                 Translation.item_type == "comment"))
    db.session.commit()
    broken = runner.invoke(args=["forum", "mt", "status", "--check"])
    assert broken.exit_code == 1
    assert "3 done without a current translation (owed again)" in broken.output
    assert f"comment {first.id} -> en: done without a current translation" in broken.output


def test_a_worker_repairs_the_instance_when_it_starts(app):
    _, first, _ = translated_thread(app)
    db.session.execute(delete(Translation).where(Translation.item_id == first.id,
                                                 Translation.item_type == "comment"))
    db.session.commit()

    run_worker(app, "restarted")

    assert reconcile.check(repair=False).problems == 0
    assert count(Translation, Translation.item_id == first.id,
                 Translation.item_type == "comment") == 3
