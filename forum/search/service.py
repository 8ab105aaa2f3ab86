"""Full-text search in the reader's language, over originals and machine translations."""
from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import text

from forum.db import db, is_postgresql

START, STOP = "\x02", "\x03"  # match markers, turned into <mark> after escaping
WORD_RE = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12


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
class Results:
    """A page of results and how many there are in all."""

    hits: list[Hit]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def terms(query: str) -> list[str]:
    """Split what a person typed into words (operators and punctuation are ignored)."""
    return WORD_RE.findall(query or "")[:MAX_TERMS]


def highlighted(raw: str | None) -> Markup:
    """Escape a snippet and turn the database's match markers into <mark> elements."""
    safe = str(escape(raw or ""))
    return Markup(safe.replace(START, "<mark>").replace(STOP, "</mark>"))


def search(query: str, language: str, topic_id: int | None = None, state: str | None = None,
           page: int = 1, per_page: int = 20) -> Results:
    """Find proposals and comments readable in `language` that contain every word."""
    words = terms(query)
    if not words:
        return Results([], 0, 1, per_page)
    page = max(1, min(page, 10_000))
    engine = _postgresql if is_postgresql() else _sqlite
    match, select_sql, rank = engine(words)
    filters, params = _filters(language, topic_id, state)
    params.update(match=match, limit=per_page, offset=(page - 1) * per_page)
    joined = f"{select_sql['from']} WHERE {select_sql['where']} AND {filters}"
    total = db.session.execute(text(f"SELECT count(*) {joined}"), params).scalar() or 0
    rows = db.session.execute(text(
        f"SELECT {select_sql['columns']} {joined} ORDER BY {rank} LIMIT :limit OFFSET :offset"),
        params).mappings()
    hits = [Hit(r["item_type"], r["item_id"], r["proposal_id"],
                highlighted(r["proposal_title"]), highlighted(r["title_hl"]),
                highlighted(r["body_hl"]), bool(r["machine_translated"])) for r in rows]
    return Results(hits, total, page, per_page)


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


def _sqlite(words: list[str]):
    # Each word quoted (so nothing is read as FTS5 syntax) and matched as a prefix.
    match = " ".join('"' + w.replace('"', "") + '"*' for w in words)
    columns = _COLUMNS + (f"highlight(search_fts, 0, '{START}', '{STOP}') AS title_hl, "
                          f"snippet(search_fts, 1, '{START}', '{STOP}', '…', 28) AS body_hl")
    return match, {"columns": columns,
                   "from": "FROM search_fts JOIN search_documents d ON d.id = search_fts.rowid "
                           + _JOINS,
                   "where": "search_fts MATCH :match"}, "bm25(search_fts, 4.0, 1.0)"


def _postgresql(words: list[str]):
    match = " & ".join(w + ":*" for w in words)
    query = "to_tsquery(forum_search_config(d.language), unaccent(:match))"
    options = f"StartSel={START}, StopSel={STOP}"
    columns = _COLUMNS + (
        f"ts_headline(forum_search_config(d.language), d.title, {query}, "
        f"'{options}, HighlightAll=true') AS title_hl, "
        f"ts_headline(forum_search_config(d.language), d.body, {query}, "
        f"'{options}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"') "
        f"AS body_hl")
    return match, {"columns": columns, "from": "FROM search_documents d " + _JOINS,
                   "where": f"d.tsv @@ {query}"}, f"ts_rank(d.tsv, {query}) DESC, d.id"
