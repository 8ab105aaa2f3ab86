"""Find proposals that may already say what a draft says, whatever language they were written in.

The draft is compared with the search documents in its own language: originals written in
it and machine translations into it, so a French draft meets a Catalan proposal through
its stored French translation (machine translation never runs here). Two steps:

1. The database's full-text index picks at most CANDIDATES proposals sharing any of the
   draft's salient words (FTS5 bm25 on SQLite, ts_rank on PostgreSQL), under the search
   time budget.
2. Each candidate is scored here, deterministically: the cosine of two bags of lightly
   stemmed, accent-folded words without stop words, title words counting twice, times
   n/(n+1) for n distinct stems in common (one shared word is weak evidence: it halves
   the score; five shared words keep 5/6 of it). A score of SIMILAR_THRESHOLD (config) or
   more flags the proposal as probably saying the same.

Listed: visible proposals (not hidden, not erased, not marked as a duplicate, whose
original is what to point at). Withdrawn and answered proposals stay in the list: a
citizen wants to know that the idea was proposed and what became of it.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import text

from forum.db import by_id, db, is_postgresql
from forum.machine_translation.reading import ShownText, for_request, lookup
from forum.proposals.models import Proposal
from forum.search.service import TooSlow, time_budget
from forum.search.stopwords import stopwords

LIMIT = 5            # proposals shown
CANDIDATES = 50      # proposals the database hands over for scoring
QUERY_WORDS = 16     # salient words of the draft sent to the database
DRAFT_CHARS = 5000   # the start of a draft that is compared; the rest adds little
BODY_CHARS = 5000    # the same for each candidate's text
TITLE_WEIGHT = 2
MIN_WORD = 3         # shorter words are grammar in every language we serve
STEM_CHARS = 7       # stems are cut here: "transport", "transportation" → "transpo"
SHOWN_FROM = 0.5     # list proposals scoring at least this share of the threshold
WORD_RE = re.compile(r"[^\W_]+")  # letters and digits; "_" would be syntax to PostgreSQL


@dataclass(frozen=True)
class Similar:
    """A proposal resembling a draft: how much (0 to 1), and its title for the reader."""

    proposal: Proposal
    score: float
    title: ShownText
    flagged: bool

    @property
    def closeness(self) -> str:
        """Say in words how close the proposal is to the draft."""
        if self.flagged:
            return str(_l("Probably the same idea"))
        return str(_l("Some words in common"))


def similar_proposals(title: str, body: str, language: str, exclude: int | None = None,
                      reader: str | None = None) -> list[Similar]:
    """Return up to LIMIT visible proposals resembling a draft, closest first; never raise."""
    if not isinstance(language, str) or language not in current_app.config["LANGUAGES"]:
        return []
    draft = profile(title, body, language)
    if not draft:
        return []
    try:
        rows = _candidates(_query_words(title, body, language), language, exclude)
    except TooSlow:
        return []
    return _ranked(draft, rows, language, reader)


def _ranked(draft: dict[str, float], rows, language: str, reader: str | None) -> list[Similar]:
    threshold = current_app.config["SIMILAR_THRESHOLD"]
    scores = {row.proposal_id: resemblance(draft, profile(row.title, row.body, language))
              for row in rows}
    best = sorted((pid for pid, score in scores.items() if score >= threshold * SHOWN_FROM),
                  key=lambda pid: (-scores[pid], pid))[:LIMIT]
    proposals = by_id(Proposal, best)
    shown = [proposals[pid] for pid in best if pid in proposals]
    texts = lookup(shown, reader) if reader else for_request(shown)
    return [Similar(p, scores[p.id], texts.shown(p, "title"), scores[p.id] >= threshold)
            for p in shown]


# --- Words --------------------------------------------------------------------------------

def fold(word: str) -> str:
    """Lower-case a word and drop its accents ("Rivière" → "riviere")."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stem(word: str) -> str:
    """Cut a folded word to a stem shared by its plural and feminine forms."""
    if len(word) > 4 and word.endswith("s"):
        word = word[:-1]
    if len(word) > 4 and word[-1] in "aeiou":
        word = word[:-1]
    return word[:STEM_CHARS]


def content_words(text_: str, language: str) -> list[str]:
    """Return the folded words of a text that say what it is about, in order."""
    stop = stopwords(language)
    words = (fold(w) for w in WORD_RE.findall((text_ or "")[:DRAFT_CHARS]))
    return [w for w in words if len(w) >= MIN_WORD and w not in stop and not w.isdigit()]


def profile(title: str, body: str, language: str) -> dict[str, float]:
    """Weigh the stems of a title and body: title words count twice, repeats less and less."""
    counts: Counter[str] = Counter()
    for word in content_words(title, language):
        counts[stem(word)] += TITLE_WEIGHT
    for word in content_words(body, language):
        counts[stem(word)] += 1
    return {s: 1 + math.log(n) for s, n in counts.items()}


def resemblance(a: dict[str, float], b: dict[str, float]) -> float:
    """Score two weighted bags of stems from 0 to 1: their cosine, less when few are shared."""
    shared = len(a.keys() & b.keys())
    return cosine(a, b) * shared / (shared + 1)


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Return the cosine of two weighted bags of stems, from 0 (nothing shared) to 1."""
    if not a or not b:
        return 0.0
    shared = sum(weight * b[s] for s, weight in a.items() if s in b)
    norms = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return min(1.0, shared / norms)


def _query_words(title: str, body: str, language: str) -> list[str]:
    """Pick the stems to ask the index for: the title's first, then the body's most used."""
    title_stems = [stem(w) for w in content_words(title, language)]
    body_counts = Counter(stem(w) for w in content_words(body, language))
    by_use = sorted(body_counts, key=lambda s: (-body_counts[s], -len(s), s))
    return list(dict.fromkeys(title_stems + by_use))[:QUERY_WORDS]


# --- The database's side ------------------------------------------------------------------

_FILTERS = ("d.item_type = 'proposal' AND d.language = :language AND p.id != :exclude "
            "AND p.hidden_at IS NULL AND p.deleted_at IS NULL AND p.duplicate_of_id IS NULL")
_COLUMNS = "d.proposal_id, d.title, substr(d.body, 1, :body_chars) AS body"


def _candidates(words: list[str], language: str, exclude: int | None):
    """Return (proposal_id, title, body) of the proposals the index ranks first."""
    if not words:
        return []
    statement = _postgresql() if is_postgresql() else _sqlite()
    params = dict(match=_match(words), language=language, exclude=exclude or 0,
                  body_chars=BODY_CHARS, limit=CANDIDATES)
    with time_budget(current_app.config["SEARCH_TIME_LIMIT_MS"]):
        return db.session.execute(text(statement), params).all()


def _match(words: list[str]) -> str:
    # Stems match as prefixes, so "bicicl" finds "bicicletas"; each is quoted on SQLite
    # (nothing is read as FTS5 syntax) and holds only letters and digits on PostgreSQL.
    if is_postgresql():
        return " | ".join(f"{w}:*" for w in words)
    return " OR ".join(f'"{w}"*' if len(w) >= 4 else f'"{w}"' for w in words)


def _sqlite() -> str:
    return (f"SELECT {_COLUMNS} FROM search_fts "
            "JOIN search_documents d ON d.id = search_fts.rowid "
            "JOIN proposals p ON p.id = d.proposal_id "
            f"WHERE search_fts MATCH :match AND {_FILTERS} "
            "ORDER BY bm25(search_fts, 4.0, 1.0), d.proposal_id LIMIT :limit")


def _postgresql() -> str:
    query = "to_tsquery(forum_search_config(:language), :match)"
    return (f"SELECT {_COLUMNS} FROM search_documents d "
            "JOIN proposals p ON p.id = d.proposal_id "
            f"WHERE d.tsv @@ {query} AND {_FILTERS} "
            f"ORDER BY ts_rank(d.tsv, {query}) DESC, d.proposal_id LIMIT :limit")
