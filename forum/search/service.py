"""Full-text search in the reader's language, over originals and machine translations.

Every query is bounded, so that no search holds a web process for long: at most
MAX_TERMS distinct words of at most MAX_TERM_LENGTH letters; only words of PREFIX_MIN
letters or more match as prefixes ("a" is the word "a", not every word starting with a);
results are counted up to COUNT_LIMIT (pages go no further); and the statements run under
a time budget (SEARCH_TIME_LIMIT_MS: a statement timeout on PostgreSQL, a progress
handler on SQLite), after which the search stops and says so.
"""
from __future__ import annotations

import re
import time
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from forum.db import db, is_postgresql
from forum.pagination import Page, page_count

START, STOP = "\x02", "\x03"  # match markers, turned into <mark> after escaping
WORD_RE = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8
MAX_TERM_LENGTH = 60
PREFIX_MIN = 3
COUNT_LIMIT = 1000


@dataclass
class Hit:
    """One search result: an item, its proposal, and highlighted text."""

    item_type: str
    item_id: int
    proposal_id: int
    proposal_title: Markup
    title: Markup
    snippet: Markup
    machine_translated: bool


@dataclass
class Results(Page):
    """A page of results (`hits`) and how many there are in all."""

    more: bool = False        # there are more than `total` (COUNT_LIMIT) results
    cut_short: bool = False   # the time budget ran out: nothing was found in time

    @property
    def hits(self) -> list[Hit]:
        return self.items


class TooSlow(Exception):
    """A search statement ran out of its time budget."""


def terms(query: str) -> list[str]:
    """Split what a person typed into distinct words (operators and punctuation are ignored)."""
    words = (w.casefold()[:MAX_TERM_LENGTH] for w in WORD_RE.findall(query or ""))
    return list(dict.fromkeys(words))[:MAX_TERMS]


def highlighted(raw: str | None) -> Markup:
    """Escape a snippet and turn the database's match markers into <mark> elements."""
    safe = str(escape(raw or ""))
    return Markup(safe.replace(START, "<mark>").replace(STOP, "</mark>"))


def search(query: str, language: str, topic_id: int | None = None, state: str | None = None,
           page: int = 1, per_page: int = 20) -> Results:
    """Find proposals and comments readable in `language` that contain every word."""
    words = terms(query)
    if not words:
        return Results([], 1, per_page, 0)
    page = max(1, min(page, page_count(COUNT_LIMIT, per_page)))
    engine = _postgresql if is_postgresql() else _sqlite
    match, select_sql, rank = engine(words)
    filters, params = _filters(language, topic_id, state)
    params.update(match=match, limit=per_page, offset=(page - 1) * per_page,
                  counted=COUNT_LIMIT + 1)
    joined = f"{select_sql['from']} WHERE {select_sql['where']} AND {filters}"
    try:
        with time_budget(current_app.config["SEARCH_TIME_LIMIT_MS"]):
            total = db.session.execute(text(
                f"SELECT count(*) FROM (SELECT 1 {joined} LIMIT :counted) AS found"),
                params).scalar() or 0
            rows = db.session.execute(text(
                f"SELECT {select_sql['columns']} {joined} ORDER BY {rank} "
                f"LIMIT :limit OFFSET :offset"), params).mappings().all()
    except TooSlow:
        return Results([], 1, per_page, 0, cut_short=True)
    hits = [Hit(r["item_type"], r["item_id"], r["proposal_id"],
                highlighted(r["proposal_title"]), highlighted(r["title_hl"]),
                highlighted(r["body_hl"]), bool(r["machine_translated"])) for r in rows]
    return Results(hits, page, per_page, min(total, COUNT_LIMIT), more=total > COUNT_LIMIT)


@contextmanager
def time_budget(milliseconds: int):
    """Stop the statements run inside after `milliseconds` in all, raising TooSlow."""
    try:
        if is_postgresql():
            with _statement_timeout(milliseconds):
                yield
        else:
            with _progress_deadline(milliseconds):
                yield
    except OperationalError as error:
        message = str(error.orig)
        if "interrupted" in message or "statement timeout" in message:
            raise TooSlow(message) from error
        raise


@contextmanager
def _statement_timeout(milliseconds: int):
    # In a savepoint: a cancelled statement aborts only it, not the request's transaction.
    with db.session.begin_nested():
        db.session.execute(text(f"SET LOCAL statement_timeout = {int(milliseconds)}"))
        yield
        db.session.execute(text("SET LOCAL statement_timeout TO DEFAULT"))


@contextmanager
def _progress_deadline(milliseconds: int):
    connection = db.session.connection().connection.driver_connection
    assert connection is not None  # the session's connection is checked out, so it is live
    deadline = time.monotonic() + milliseconds / 1000
    # SQLite calls this every 10,000 virtual machine steps; True interrupts the statement.
    connection.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
    try:
        yield
    finally:
        connection.set_progress_handler(None, 0)


def _filters(language: str, topic_id: int | None, state: str | None) -> tuple[str, dict]:
    # Hidden proposals and hidden or deleted comments never show up in results.
    clauses = ["d.language = :language", "p.hidden_at IS NULL",
               "(c.id IS NULL OR (c.hidden_at IS NULL AND c.deleted_at IS NULL))"]
    params: dict = {"language": language}
    if topic_id:
        clauses.append("p.topic_id = :topic_id")
        params["topic_id"] = topic_id
    if state:
        clauses.append("p.state = :state")
        params["state"] = state
    return " AND ".join(clauses), params


_JOINS = ("JOIN proposals p ON p.id = d.proposal_id "
          "LEFT JOIN comments c ON d.item_type = 'comment' AND c.id = d.item_id "
          "LEFT JOIN search_documents pd ON pd.item_type = 'proposal' "
          "AND pd.item_id = d.proposal_id AND pd.language = d.language ")
_COLUMNS = ("d.item_type, d.item_id, d.proposal_id, d.machine_translated, "
            "COALESCE(pd.title, p.title) AS proposal_title, ")


def _prefix(word: str, quoted: str, marker: str) -> str:
    return quoted + marker if len(word) >= PREFIX_MIN else quoted


def _sqlite(words: list[str]):
    # Each word quoted (so nothing is read as FTS5 syntax); longer words match as prefixes.
    match = " ".join(_prefix(w, '"' + w.replace('"', "") + '"', "*") for w in words)
    columns = _COLUMNS + (f"highlight(search_fts, 0, '{START}', '{STOP}') AS title_hl, "
                          f"snippet(search_fts, 1, '{START}', '{STOP}', '…', 28) AS body_hl")
    return match, {"columns": columns,
                   "from": "FROM search_fts JOIN search_documents d ON d.id = search_fts.rowid "
                           + _JOINS,
                   "where": "search_fts MATCH :match"}, "bm25(search_fts, 4.0, 1.0)"


def _postgresql(words: list[str]):
    match = " & ".join(_prefix(w, w, ":*") for w in words)
    # The reader's language, not each row's: one query for all rows, so the index serves it.
    query = "to_tsquery(forum_search_config(:language), unaccent(:match))"
    options = f"StartSel={START}, StopSel={STOP}"
    columns = _COLUMNS + (
        f"ts_headline(forum_search_config(d.language), d.title, {query}, "
        f"'{options}, HighlightAll=true') AS title_hl, "
        f"ts_headline(forum_search_config(d.language), d.body, {query}, "
        f"'{options}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"') "
        f"AS body_hl")
    return match, {"columns": columns, "from": "FROM search_documents d " + _JOINS,
                   "where": f"d.tsv @@ {query}"}, f"ts_rank(d.tsv, {query}) DESC, d.id"
