"""Visitors' pages revalidate cheaply, and never serve a stale page."""
from __future__ import annotations

import factories as make
from fixtures_core import browser, log_in, store_translation
from forum.comments import service as comments
from forum.db import db
from forum.machine_translation import queue


def fetch(client, path, etag=None, language="en"):
    headers = {"Accept-Language": language}
    if etag:
        headers["If-None-Match"] = etag
    return client.get(path, headers=headers)


def test_an_unchanged_page_is_answered_304_without_a_body(app, client):
    proposal = make.proposal()
    first = fetch(client, f"/proposals/{proposal.id}")
    assert first.status_code == 200 and first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    assert "Accept-Language" in first.headers["Vary"]

    again = fetch(client, f"/proposals/{proposal.id}", first.headers["ETag"])

    assert again.status_code == 304 and again.data == b""


def test_a_new_comment_anywhere_changes_the_etag(app, client):
    proposal = make.proposal()
    etag = fetch(client, f"/proposals/{proposal.id}").headers["ETag"]

    make.comment(proposal, body="A fresh comment.")

    fresh = fetch(client, f"/proposals/{proposal.id}", etag)
    assert fresh.status_code == 200 and "A fresh comment." in fresh.get_data(as_text=True)


def test_a_stored_translation_changes_the_etag(app, client):
    proposal = make.proposal(title="Benches along the river path")
    etag = fetch(client, f"/proposals/{proposal.id}", language="es").headers["ETag"]

    store_translation(proposal, "title", "Bancos a lo largo del río", language="es")
    db.session.commit()

    fresh = fetch(client, f"/proposals/{proposal.id}", etag, language="es")
    assert fresh.status_code == 200 and "Bancos a lo largo del río" in fresh.get_data(as_text=True)


def test_private_bookkeeping_keeps_the_cache_warm(app, client):
    proposal = make.proposal()
    person = make.user()
    etag = fetch(client, "/api/v1/proposals").headers["ETag"]

    queue.claim("idle-worker:1", limit=50)  # a worker's claim changes no page
    queue.release("idle-worker")

    assert fetch(client, "/api/v1/proposals", etag).status_code == 304
    someone = browser(app)
    log_in(someone, person)  # a login (a session row) and a logout change no page
    someone.post("/logout")
    assert fetch(client, "/api/v1/proposals", etag).status_code == 304
    comments.post_comment(make.user(), proposal, "Now it changes.", "en")
    assert fetch(client, "/api/v1/proposals", etag).status_code == 200


def test_each_language_has_its_own_etag(app, client):
    proposal = make.proposal()

    english = fetch(client, f"/proposals/{proposal.id}", language="en").headers["ETag"]
    spanish = fetch(client, f"/proposals/{proposal.id}", language="es").headers["ETag"]

    assert english != spanish
    assert fetch(client, f"/proposals/{proposal.id}", english, language="es").status_code == 200


def test_logged_in_pages_and_forms_are_never_cached(app):
    reader = make.user()
    proposal = make.proposal()
    client = browser(app)
    assert "ETag" not in fetch(client, "/login").headers
    log_in(client, reader)

    page = fetch(client, f"/proposals/{proposal.id}")

    assert "ETag" not in page.headers
