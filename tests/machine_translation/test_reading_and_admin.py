"""Readers see where a text comes from; authors are warned of a language mismatch;
admins see coverage and failures."""
from __future__ import annotations

from sqlalchemy import select

import factories
from fixtures_core import browser, log_in, store_translation
from forum.db import db
from forum.machine_translation import queue
from forum.machine_translation.models import JobState, TranslationJob
from forum.proposals.models import Proposal


def test_the_author_is_warned_when_the_text_looks_like_another_language(app):
    app.config["LANGUAGE_CHECK"] = True
    author = factories.user("Jordi", language="ca")
    topic = factories.topic()
    client = browser(app)
    log_in(client, author)
    form = {"title": "Propongo más carriles bici en el centro",
            "body": "Propongo que el ayuntamiento construya carriles bici seguros en el centro "
                    "de la ciudad, porque ahora es peligroso ir en bicicleta.",
            "topic": topic.id, "language": "ca"}

    warned = client.post("/proposals/new", data=form)
    assert warned.status_code == 200
    assert "looks like Spanish, but it is marked as Catalan" in warned.get_data(as_text=True)
    assert db.session.scalar(select(Proposal)) is None  # nothing posted yet

    corrected = client.post("/proposals/new", data={**form, "language": "es"})
    assert corrected.status_code == 302
    assert db.session.scalar(select(Proposal.language)) == "es"


def test_the_author_may_insist_on_the_declared_language(app):
    app.config["LANGUAGE_CHECK"] = True
    author = factories.user("Jordi", language="ca")
    proposal = factories.proposal(author, language="ca")
    client = browser(app)
    log_in(client, author)
    form = {"body": "I think this is a very good idea for the whole neighbourhood.",
            "language": "ca"}

    assert "looks like English" in client.post(f"/proposals/{proposal.id}/comments",
                                               data=form).get_data(as_text=True)
    insisted = client.post(f"/proposals/{proposal.id}/comments",
                           data={**form, "language_confirmed": "ca"})

    assert insisted.status_code == 302


def test_translated_text_is_sanitised_like_an_original(app):
    proposal = factories.proposal(title="Benches along the river path")
    store_translation(proposal, "body", 'Hola <script>alert(1)</script> '
                      '<img src=x onerror=alert(1)> [x](javascript:alert(1))', language="es")
    db.session.commit()
    db.session.execute(TranslationJob.__table__.update().values(state=JobState.DONE))
    db.session.commit()

    html = browser(app).get(f"/proposals/{proposal.id}",
                            headers={"Accept-Language": "es"}).get_data(as_text=True)

    assert "<script>alert" not in html and "<img" not in html
    assert 'href="javascript' not in html.lower()
    assert "Hola" in html and "Machine-translated from English" in html


def test_the_originals_toggle_shows_every_text_untranslated(app):
    proposal = factories.proposal(title="Benches along the river path")
    store_translation(proposal, "title", "Bancos a lo largo del río", language="es")
    db.session.commit()
    client = browser(app)
    headers = {"Accept-Language": "es"}

    assert "Bancos a lo largo del río" in client.get(f"/proposals/{proposal.id}",
                                                     headers=headers).get_data(as_text=True)
    original = client.get(f"/proposals/{proposal.id}?original=1",
                          headers=headers).get_data(as_text=True)
    assert "Bancos a lo largo del río" not in original
    assert "Benches along the river path" in original


def test_admins_see_coverage_queue_and_failures(app):
    admin = factories.user("Admin", role="admin")
    factories.proposal(admin)
    job = queue.claim("w:1", limit=1)[0]
    queue.fail(job.id, job.attempts, "w:1", "apertium exploded on this text")
    db.session.commit()
    client = browser(app)
    log_in(client, admin)

    html = client.get("/admin/translation").get_data(as_text=True)

    assert "apertium exploded on this text" in html
    assert "translation jobs are waiting" in html
    assert "Spanish (es)" in html and "Apertium" in html
    retried = client.post("/admin/translation/retry")
    assert retried.status_code == 302


def test_citizens_may_not_see_the_admin_view(app):
    citizen = factories.user()
    client = browser(app)
    log_in(client, citizen)

    assert client.get("/admin/translation").status_code == 403
    assert client.post("/admin/translation/retry").status_code == 403
