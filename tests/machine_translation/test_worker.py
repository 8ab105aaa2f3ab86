"""The whole translation path: commit → owed jobs → real worker → real engines → pages."""
from __future__ import annotations

from sqlalchemy import func, select

import factories
from fixtures_core import browser
from forum.comments import service as comments
from forum.db import db
from forum.machine_translation.models import JobState, Translation, TranslationJob
from support_mt import need_apertium, run_worker


def page(app, path: str, language: str) -> str:
    return browser(app).get(path, headers={"Accept-Language": language}).get_data(as_text=True)


def test_a_catalan_comment_is_read_in_english_and_spanish(app):
    need_apertium()
    proposal = factories.proposal(title="Benches along the river path")
    author = factories.user(language="ca")
    comment = factories.comment(proposal, author, "Estic d'acord amb aquesta proposta.")

    assert "Translation pending" in page(app, f"/proposals/{proposal.id}", "en")
    run_worker(app)

    english = page(app, f"/proposals/{proposal.id}", "en")
    assert "I agree with this proposal." in english
    assert "Machine-translated from Catalan by Apertium" in english
    assert "Estic d'acord amb aquesta proposta." in english  # the original, one click away
    spanish = page(app, f"/proposals/{proposal.id}", "es")
    assert "Estoy de acuerdo con esta propuesta." in spanish

    api = browser(app).get(f"/api/v1/proposals/{proposal.id}?lang=en").get_json()
    body = api["comments"][0]["body"]
    assert body["text"] == "I agree with this proposal."
    assert (body["language"], body["original_language"], body["machine_translated"]) == \
        ("en", "ca", True)
    assert body["engine"].startswith("apertium:")
    assert comment.id == api["comments"][0]["id"]


def test_without_a_direct_pair_the_router_pivots(app):
    need_apertium()
    proposal = factories.proposal()
    factories.comment(proposal, factories.user(language="fr"),
                      "Je suis d'accord avec cette proposition.")

    run_worker(app)

    row = db.session.scalar(select(Translation).where(Translation.item_type == "comment",
                                                      Translation.language == "en"))
    assert row.text == "I agree with this proposition."
    hops = row.engine.split(">")
    assert len(hops) == 2 and all(h.startswith("apertium:") for h in hops)  # fr→es/ca→en


def test_markdown_structure_survives_real_translation(app):
    need_apertium()
    author = factories.user(language="ca")
    proposal = factories.proposal(author, language="ca", title="Més arbres a la plaça",
                                  body="Cal **més ombra** a la plaça.\n\n- Plantar arbres\n"
                                       "- Posar bancs\n\nVegeu https://riverton.example/pla i "
                                       "`codi_42`, com diu @marta.")
    run_worker(app)

    html = page(app, f"/proposals/{proposal.id}", "en")
    assert "<strong>" in html and "<li>" in html
    assert 'href="https://riverton.example/pla"' in html
    assert "<code>codi_42</code>" in html and "@marta" in html


def test_an_edit_is_translated_again(app):
    need_apertium()
    proposal = factories.proposal()
    author = factories.user(language="ca")
    comment = factories.comment(proposal, author, "Estic d'acord amb aquesta proposta.")
    run_worker(app)

    comments.edit_comment(comment, "Un text nou sobre els parcs.", "ca", None)
    assert "Translation pending" in page(app, f"/proposals/{proposal.id}", "en")
    run_worker(app)

    english = page(app, f"/proposals/{proposal.id}", "en")
    assert "A new text on the parks." in english
    assert "I agree with this proposal." not in english


def test_a_missing_pair_shows_the_original_and_is_recorded(app):
    need_apertium()
    app.config["LANGUAGES"] = ["en", "es", "fr", "ca", "de"]  # no engine offers German here
    app.config["MT_ENGINE_ORDER"] = ["apertium"]
    factories.proposal(title="Benches along the river path")

    run_worker(app)

    german = db.session.scalars(select(TranslationJob).where(TranslationJob.language == "de"))
    assert {(j.state, bool(j.last_error)) for j in german} == {(JobState.UNAVAILABLE, True)}
    html = page(app, "/proposals/1", "de")
    assert "No translation available for this language" in html
    assert "Benches along the river path" in html


def test_every_job_is_done_once_and_nothing_is_left_owed(app):
    need_apertium()
    proposal = factories.proposal()
    for text, language in [("Estic d'acord.", "ca"), ("Je suis d'accord.", "fr"),
                           ("Estoy de acuerdo.", "es"), ("I agree.", "en")]:
        factories.comment(proposal, factories.user(language=language), text)

    handled = run_worker(app)

    jobs = db.session.scalars(select(TranslationJob)).all()
    assert handled == len(jobs) == 3 * 6  # topic, proposal, 4 comments × 3 languages
    assert {(j.state, j.attempts) for j in jobs} == {(JobState.DONE, 1)}
    assert db.session.scalar(select(func.count()).select_from(Translation)) == 3 * (2 + 2 + 4)
