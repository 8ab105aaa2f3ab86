"""Owed translations are committed with the content, or not at all."""
from __future__ import annotations

from sqlalchemy import select

import factories
from forum.comments import service as comments
from forum.db import db
from forum.machine_translation.models import JobState, Translation, TranslationJob
from forum.proposals import service as proposals


def jobs_for(item_type: str, item_id: int) -> dict[str, TranslationJob]:
    rows = db.session.scalars(select(TranslationJob).where(
        TranslationJob.item_type == item_type, TranslationJob.item_id == item_id))
    return {job.language: job for job in rows}


def test_a_new_proposal_owes_one_job_per_other_language(app):
    proposal = factories.proposal(language="ca", author=factories.user(language="ca"))

    owed = jobs_for("proposal", proposal.id)

    assert sorted(owed) == ["en", "es", "fr"]
    assert {job.state for job in owed.values()} == {JobState.PENDING}


def test_a_topic_and_a_comment_owe_translations_too(app):
    proposal = factories.proposal()
    comment = factories.comment(proposal, language="fr")

    assert sorted(jobs_for("topic", proposal.topic_id)) == ["ca", "es", "fr"]
    assert sorted(jobs_for("comment", comment.id)) == ["ca", "en", "es"]


def test_jobs_are_written_by_the_same_transaction_as_the_content(app):
    from forum.proposals.models import Proposal

    topic, author = factories.topic(), factories.user()
    db.session.add(Proposal(topic=topic, author=author, title="Flushed, never committed",
                            body_source="Body.", body_html="<p>Body.</p>", language="en"))
    db.session.flush()
    assert db.session.scalar(select(TranslationJob).where(TranslationJob.item_type == "proposal"))

    db.session.rollback()  # the crash: content and owed work vanish together

    assert db.session.scalar(select(Proposal)) is None
    assert db.session.scalar(select(TranslationJob).where(
        TranslationJob.item_type == "proposal")) is None


def test_editing_resets_done_jobs_and_drops_the_claim(app):
    proposal = factories.proposal()
    for job in jobs_for("proposal", proposal.id).values():
        job.state, job.claimed_by, job.attempts = JobState.DONE, "old-worker:1", 3
    db.session.commit()

    proposals.edit_proposal(proposal, "A different title now", proposal.body_source, "en")

    owed = jobs_for("proposal", proposal.id).values()
    assert {(j.state, j.claimed_by, j.attempts) for j in owed} == {(JobState.PENDING, None, 0)}


def test_changing_only_counters_owes_nothing_new(app):
    proposal = factories.proposal()
    for job in jobs_for("proposal", proposal.id).values():
        job.state = JobState.DONE
    db.session.commit()

    proposals.support(factories.user(), proposal)

    assert {j.state for j in jobs_for("proposal", proposal.id).values()} == {JobState.DONE}


def test_deleting_a_comment_erases_its_translations_and_jobs(app):
    comment = factories.comment(factories.proposal())
    db.session.add(Translation(item_type="comment", item_id=comment.id, field="body",
                               language="es", source_language="en", source_hash="x",
                               text="Un comentario.", html="<p>Un comentario.</p>",
                               engine="apertium:eng-spa"))
    db.session.commit()

    comments.delete_comment(comment)

    assert jobs_for("comment", comment.id) == {}
    assert db.session.scalar(select(Translation).where(Translation.item_id == comment.id)) is None


def test_a_single_language_instance_owes_nothing(app):
    app.config["LANGUAGES"] = ["en"]
    proposal = factories.proposal()

    assert jobs_for("proposal", proposal.id) == {}
