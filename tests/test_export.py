"""Open data: streamed CSV and JSON exports of everything public, with every translation."""
from __future__ import annotations

import csv
import gc
import io
import json
import tracemalloc
from datetime import date, timedelta

import pytest
from sqlalchemy import insert

import factories as make
from fixtures_core import store_translation
from forum.api.export import SOURCES
from forum.api.export_formats import csv_cell
from forum.comments import service as comments
from forum.comments.models import Comment
from forum.content.render import render_markdown
from forum.db import db, utcnow

LANGUAGES = ["en", "es", "fr", "ca"]


@pytest.fixture
def forum(app):
    """Three proposals (one hidden), five comments (one deleted, one hidden), two answers,
    three milestones; some texts translated, one translation stale (its text was edited)."""
    marta = make.user("marta_bcn", language="ca")
    marta.email = "marta@example.org"
    admin = make.user("Town Council", role="admin")
    topic = make.topic("Mobilitat", language="ca")
    lane = make.proposal(marta, topic, title="Carril bici a l'avinguda",
                         body="- Un carril **segregat**\n- Amb semàfors")
    square = make.proposal(make.user("claire.d", language="fr"), topic,
                           title="Une place sans voitures", body="=SUM(A1:A9) et plus d'arbres.")
    hidden = make.proposal(make.user("spammer"), topic, title="Buy cheap watches now",
                           body="Spam spam spam spam spam.")
    hidden.hidden_at = utcnow()
    first = make.comment(lane, make.user("dave", language="en"), "Fully support this.",
                         alignment="for")
    make.comment(lane, marta, "Gràcies!", parent=first)
    gone = make.comment(lane, make.user("oliver"), "I take this back.")
    comments.delete_comment(gone)
    rude = make.comment(square, make.user("troll"), "Something rude.")
    rude.hidden_at = utcnow()
    make.comment(square, marta, "D'acord.")
    answer = make.answer(lane, admin, "accepted", "Accepted: works begin in spring.", "en")
    make.answer(square, admin, "under_review", "We are studying the traffic data first.", "en")
    make.milestone(lane, "Budget approved", date(2026, 3, 1), done=True)
    make.milestone(lane, "Works begin", date(2026, 5, 1))
    make.milestone(square, "Traffic study", date(2026, 6, 1))

    store_translation(lane, "title", "Bike lane on the avenue", "en", "apertium:cat-eng")
    store_translation(lane, "title", "Carril bici en la avenida", "es", "apertium:cat-spa")
    store_translation(answer, "body", "Aceptada: las obras empiezan en primavera.", "es",
                      "apertium:eng-spa")
    store_translation(first, "body", "Totalment a favor.", "ca", "argos:en-es>apertium:spa-cat")
    store_translation(hidden, "title", "Compra relojes baratos", "es")
    store_translation(rude, "body", "Algo grosero.", "es")
    store_translation(square, "title", "Una plaza sin coches", "es", "apertium:fra-spa")
    db.session.commit()
    square.title = "Une place sans voitures ni camions"  # the Spanish title is now stale
    db.session.commit()
    return dict(lane=lane, square=square, hidden=hidden, first=first, gone=gone, rude=rude)


def read_csv(client, name: str) -> list[dict]:
    response = client.get(f"/api/v1/export/{name}.csv")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}.csv"'
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def read_json(client) -> dict:
    response = client.get("/api/v1/export.json")
    assert response.status_code == 200 and response.is_streamed
    return json.loads(response.get_data(as_text=True))


def test_row_counts(client, forum):
    counts = {name: len(read_csv(client, name)) for name in SOURCES}
    assert counts == {"processes": 1, "phases": 0, "topics": 1, "proposals": 3, "comments": 5,
                      "answers": 2, "milestones": 3}
    document = read_json(client)
    assert {name: len(document[name]) for name in SOURCES} == counts
    assert document["format"] == "agora-open-data" and document["version"] == 1
    assert document["languages"] == LANGUAGES


def test_csv_columns_hold_the_original_and_each_translation(client, forum):
    proposals = {int(row["id"]): row for row in read_csv(client, "proposals")}
    lane = proposals[forum["lane"].id]
    fixed = len(SOURCES["proposals"].columns)
    assert list(lane)[:fixed] == list(SOURCES["proposals"].columns)
    assert list(lane)[fixed:] == ["title"] + [f"title_{lang}{end}" for lang in LANGUAGES
                                           for end in ("", "_engine")] + \
        ["body"] + [f"body_{lang}{end}" for lang in LANGUAGES for end in ("", "_engine")]
    assert (lane["language"], lane["title"], lane["author"], lane["state"]) == (
        "ca", "Carril bici a l'avinguda", "marta_bcn", "accepted")
    assert (lane["title_en"], lane["title_en_engine"]) == ("Bike lane on the avenue",
                                                           "apertium:cat-eng")
    assert lane["title_es"] == "Carril bici en la avenida"
    assert lane["title_fr"] == lane["title_ca"] == lane["title_ca_engine"] == ""
    assert lane["body"] == "- Un carril **segregat**\n- Amb semàfors"  # a list, not a formula
    assert lane["hidden"] == "false"
    assert lane["url"] == f"http://forum.test/proposals/{forum['lane'].id}"

    square = proposals[forum["square"].id]
    assert square["title_es"] == ""  # stale: made for the title before the edit
    assert square["body"] == "'=SUM(A1:A9) et plus d'arbres."  # defused for spreadsheets


def test_hidden_and_deleted_items_are_tombstones(client, forum):
    proposals = {int(row["id"]): row for row in read_csv(client, "proposals")}
    hidden = proposals[forum["hidden"].id]
    assert hidden["hidden"] == "true"
    assert hidden["title"] == hidden["body"] == hidden["author"] == hidden["title_es"] == ""

    rows = {int(row["id"]): row for row in read_csv(client, "comments")}
    for key, flag in (("gone", "deleted"), ("rude", "hidden")):
        row = rows[forum[key].id]
        assert row[flag] == "true"
        assert row["body"] == row["author"] == row["language"] == row["body_es"] == ""
    assert rows[forum["first"].id]["body_ca"] == "Totalment a favor."
    assert rows[forum["first"].id]["body_ca_engine"] == "argos:en-es>apertium:spa-cat"

    document = read_json(client)
    by_id = {c["id"]: c for c in document["comments"]}
    assert by_id[forum["rude"].id] == {
        "id": forum["rude"].id, "proposal_id": forum["square"].id, "parent_id": None,
        "depth": 0, "author": None, "alignment": None, "language": None,
        "created_at": by_id[forum["rude"].id]["created_at"], "edited_at": None,
        "deleted": False, "hidden": True, "helpful_count": 0, "body": None}
    text = json.dumps(document, ensure_ascii=False)
    for secret in ("Something rude", "Algo grosero", "I take this back", "cheap watches",
                   "Compra relojes"):
        assert secret not in text


def test_proposals_erased_with_their_authors_account_are_tombstones(client, forum):
    lane = forum["lane"]
    lane.deleted_at = lane.hidden_at = utcnow()  # as erasing an account leaves it
    db.session.commit()
    row = {int(r["id"]): r for r in read_csv(client, "proposals")}[lane.id]
    assert (row["deleted"], row["title"], row["title_en"], row["author"]) == ("true", "", "", "")
    answers = [a for a in read_json(client)["answers"] if a["proposal_id"] == lane.id]
    assert answers[0]["body"]["text"] == "Accepted: works begin in spring."  # the institution's


def test_no_personal_data_beyond_display_names(client, forum):
    exported = client.get("/api/v1/export.json").get_data(as_text=True)
    exported += "".join(client.get(f"/api/v1/export/{n}.csv").get_data(as_text=True)
                        for n in SOURCES)
    assert "marta@example.org" not in exported
    assert "$argon2" not in exported
    document = read_json(client)
    keys = {key for records in (document[n] for n in SOURCES) for r in records for key in r}
    assert not keys & {"email", "password_hash", "user_id", "author_id", "reporter_id",
                       "token_hash", "name_key"}


def test_json_records_carry_every_text_with_its_translations(client, forum):
    document = read_json(client)
    answer = next(a for a in document["answers"] if a["proposal_id"] == forum["lane"].id)
    assert answer["state"] == "accepted" and answer["author"] == "Town Council"
    spanish = {"language": "es", "engine": "apertium:eng-spa",
               "text": "Aceptada: las obras empiezan en primavera."}
    assert answer["body"] == {"language": "en", "text": "Accepted: works begin in spring.",
                              "translations": [spanish]}
    milestones = [m for m in document["milestones"] if m["proposal_id"] == forum["lane"].id]
    assert [(m["date"], m["done"], m["title"]["text"]) for m in milestones] == [
        ("2026-03-01", True, "Budget approved"), ("2026-05-01", False, "Works begin")]
    topic = document["topics"][0]
    assert topic["name"] == {"language": "ca", "text": "Mobilitat", "translations": []}


def test_unknown_exports_are_json_404s(client):
    response = client.get("/api/v1/export/users.csv")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("value, cell", [
    ("=1+1", "'=1+1"), ("+33 6", "'+33 6"), ("@cmd", "'@cmd"), ("-2+3", "'-2+3"),
    ("- a list item", "- a list item"), ("-", "-"), ("plain", "plain"), (None, ""),
    (True, "true"), (7, 7),
])
def test_csv_cells_are_safe_in_spreadsheets(value, cell):
    assert csv_cell(value) == cell


def add_comments(proposal, count: int) -> None:
    """Insert `count` top-level comments quickly (one statement), as a big forum would have."""
    author = make.user(language="es")
    start = utcnow() - timedelta(days=1)
    body = "Un comentario bastante largo, como los de verdad, sobre la propuesta. " * 3
    db.session.execute(insert(Comment), [
        dict(proposal_id=proposal.id, author_id=author.id, language="es", body_source=body,
             body_html=render_markdown(body), path="", depth=0, created_at=start,
             reply_count=0) for _ in range(count)])
    db.session.commit()


def download(client) -> int:
    """Download comments.csv as a client would, keeping nothing; return its rows."""
    rows = 0
    response = client.get("/api/v1/export/comments.csv")
    for chunk in response.response:
        rows += chunk.count(b"\r\n") if isinstance(chunk, bytes) else chunk.count("\r\n")
    response.close()
    return rows - 1


def export_costs(client, queries) -> tuple[int, int, int]:
    """Return the rows of comments.csv, the statements it runs and its peak traced memory."""
    with queries.counting():  # apart: the counter keeps every statement's text
        download(client)
    gc.collect()
    tracemalloc.start()
    rows = download(client)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return rows, queries.count, peak


@pytest.mark.slow
def test_memory_stays_flat_and_queries_come_in_batches(app, client, queries):
    app.config["EXPORT_BATCH_SIZE"] = 500
    proposal = make.proposal()
    add_comments(proposal, 2_000)
    small_rows, small_statements, small_peak = export_costs(client, queries)
    add_comments(proposal, 18_000)
    large_rows, large_statements, large_peak = export_costs(client, queries)

    assert (small_rows, large_rows) == (2_000, 20_000)
    # One statement per batch of comments and one for their translations.
    assert large_statements - small_statements == 2 * (20_000 - 2_000) // 500
    # Ten times the comments, about the same memory: one batch at a time.
    assert large_peak < 1.2 * small_peak, (small_peak, large_peak)


def test_the_open_data_page_links_every_download(client):
    from fixtures_core import main

    shown = main(client.get("/open-data"))
    links = {a.attrs["href"] for a in shown.find_all("a")}
    assert {f"/api/v1/export/{name}.csv" for name in SOURCES} | {"/api/v1/export.json",
                                                                 "/api/v1/accountability"} <= links
    assert "English, Spanish, French, Catalan" in shown.text
    footer = client.get("/").get_data(as_text=True)
    assert 'href="/open-data"' in footer and 'href="/accountability"' in footer


def test_processes_and_their_phases_are_open_data(client, forum):
    from datetime import date

    import factories as make

    topic = make.topic("Budget topic")
    make.process("Budget 2027", topics=[topic], phases=[
        (date(2027, 1, 1), date(2027, 1, 31), {"proposals": True, "comments": True})])
    processes = {row["slug"]: row for row in read_csv(client, "processes")}
    assert processes["budget-2027"]["title"] == "Budget 2027"
    [phase] = read_csv(client, "phases")
    assert (phase["process_id"], phase["starts_on"], phase["opens"], phase["name"]) == (
        processes["budget-2027"]["id"], "2027-01-01", "proposals comments answers", "Phase 1")
    topics = {row["slug"]: row["process"] for row in read_csv(client, "topics")}
    assert topics["budget-topic"] == "budget-2027"
