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


# --- Pages kept by each web process -----------------------------------------------------

def test_a_visitors_page_is_served_again_from_memory_after_one_query(app, client, queries):
    proposal = make.proposal()
    make.comment(proposal, body="A comment worth keeping.")
    first = fetch(client, f"/proposals/{proposal.id}")

    with queries.counting():
        again = fetch(client, f"/proposals/{proposal.id}")

    assert again.get_data() == first.get_data() and again.headers["ETag"] == first.headers["ETag"]
    assert queries.count == 1  # the content version, nothing else
    assert again.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_a_change_is_seen_at_once_without_a_conditional_request(app, client):
    proposal = make.proposal()
    page = fetch(client, f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "A fresh comment." not in page

    make.comment(proposal, body="A fresh comment.")

    assert "A fresh comment." in fetch(client, f"/proposals/{proposal.id}").get_data(as_text=True)


def test_stored_pages_depend_on_the_host_and_the_languages(app, client):
    proposal = make.proposal(title="Benches along the river path")
    store_translation(proposal, "title", "Bancos a lo largo del río", language="es")
    db.session.commit()
    path = f"/api/v1/proposals/{proposal.id}"

    english, spanish = fetch(client, path), fetch(client, path, language="es")
    other_host = client.get(path, base_url="http://other.test", headers={"Accept-Language": "en"})

    assert "Benches" in english.get_data(as_text=True)
    assert "Bancos" in spanish.get_data(as_text=True)
    assert len({english.headers["ETag"], spanish.headers["ETag"], other_host.headers["ETag"]}) == 3


def test_members_never_get_a_stored_page(app, client):
    proposal = make.proposal()
    fetch(browser(app), f"/proposals/{proposal.id}")  # a visitor's copy is kept
    member = browser(app)
    log_in(member, make.user("Marta"))

    page = member.get(f"/proposals/{proposal.id}").get_data(as_text=True)

    assert "Marta" in page and "ETag" not in member.get(f"/proposals/{proposal.id}").headers


def test_the_store_keeps_within_its_size_least_recently_used_first():
    from forum.caching import PageStore

    store = PageStore(max_bytes=100)
    store.put_page("a", b"x" * 10, "text/html")
    store.put_page("b", b"y" * 10, "text/html")
    store.put_page("huge", b"z" * 11, "text/html")  # more than a tenth of the store: not kept
    assert store.get("a") is not None  # "a" is now the most recently used
    for key in "cdefghijk":  # 110 bytes: the least recently used one goes
        store.put_page(key, b"w" * 10, "text/html")

    assert store.get("huge") is None and store.get("b") is None
    assert store.get("a") is not None and store.get("k") is not None
