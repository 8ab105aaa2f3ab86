"""The instance glossary: check and write terms, and owe again the texts a change touches.

A change to a term is committed together with the translation jobs it owes: every live
text containing the term (as it was, and as it is now) is queued again into its other
languages, so its stored translations follow the glossary. Nothing is written when a term
is refused.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from forum.audit.service import record
from forum.content.validation import ContentError
from forum.db import db
from forum.i18n import language_name
from forum.machine_translation.backfill import owe_again, texts_containing
from forum.machine_translation.glossary import FIXED, KEEP, Entry, contains_term
from forum.machine_translation.models import GlossaryTerm

MAX_LENGTH = 200
# Terms travel into every translation as they are: no markup, no control characters.
_MARKUP = re.compile("[<>\x00-\x1f\x7f-\x9f]")


@dataclass
class TermInput:
    """A term as an administrator typed it."""

    term: str
    language: str | None
    kind: str
    case_sensitive: bool = False
    renderings: dict[str, str] = field(default_factory=dict)


def entry(term: GlossaryTerm) -> Entry:
    """Detach a stored term for matching."""
    return Entry(term.term, term.language, term.kind, term.case_sensitive,
                 tuple(sorted((term.renderings or {}).items())))


def load_entries() -> list[Entry]:
    """Read the whole glossary, for one batch of translations."""
    return [entry(term) for term in list_terms()]


def list_terms() -> list[GlossaryTerm]:
    """List the glossary's terms in alphabetical order."""
    return list(db.session.scalars(select(GlossaryTerm).order_by(GlossaryTerm.term,
                                                                 GlossaryTerm.id)))


def rendering_languages(language: str | None) -> list[str]:
    """List the languages a fixed term written in `language` needs a rendering for."""
    return [code for code in current_app.config["LANGUAGES"] if code != language]


def check(data: TermInput, editing: GlossaryTerm | None = None) -> TermInput:
    """Return the input cleaned, or raise ContentError naming the field at fault."""
    term = " ".join((data.term or "").split())
    _check_text("term", data.term or "", _("Enter the term."))
    if len(term) > MAX_LENGTH:
        raise ContentError("term", _("A term has at most %(num)s characters.", num=MAX_LENGTH))
    language = data.language or None
    if language is not None and language not in current_app.config["LANGUAGES"]:
        raise ContentError("language", _("Choose one of the forum's languages."))
    if data.kind not in (KEEP, FIXED):
        raise ContentError("kind", _("Choose whether the term is kept or has a fixed "
                                     "translation."))
    _check_overlap(term, language, editing)
    renderings = _renderings(data, language) if data.kind == FIXED else {}
    return TermInput(term, language, data.kind, bool(data.case_sensitive), renderings)


def _check_text(name: str, text: str, empty_message: str) -> None:
    if not text.strip():
        raise ContentError(name, empty_message)
    if _MARKUP.search(text):
        raise ContentError(name, _("Leave out markup (< and >), line breaks and other control "
                                   "characters."))


def _check_overlap(term: str, language: str | None, editing: GlossaryTerm | None) -> None:
    for other in list_terms():
        if other is editing or not (language is None or other.language in (None, language)):
            continue
        if other.term.casefold() == term.casefold():
            raise ContentError("term", _("This term is in the glossary already."))
        if contains_term(other.term, term) or contains_term(term, other.term):
            raise ContentError("term", _("This term overlaps “%(other)s”, already in the "
                                         "glossary: one contains the other. Change or delete "
                                         "that one first.", other=other.term))


def _renderings(data: TermInput, language: str | None) -> dict[str, str]:
    renderings = {}
    for code in rendering_languages(language):
        text = (data.renderings or {}).get(code) or ""
        _check_text(f"rendering_{code}", text,
                    _("Give the fixed translation in %(language)s.",
                      language=language_name(code)))
        if len(text) > MAX_LENGTH:
            raise ContentError(f"rendering_{code}", _("A translation has at most %(num)s "
                                                      "characters.", num=MAX_LENGTH))
        renderings[code] = " ".join(text.split())
    return renderings


def create_term(data: TermInput, admin) -> tuple[GlossaryTerm, int]:
    """Add a term; return it and how many texts are owed their translations again."""
    clean = check(data)
    term = GlossaryTerm(term=clean.term, language=clean.language, kind=clean.kind,
                        case_sensitive=clean.case_sensitive, renderings=clean.renderings)
    db.session.add(term)
    db.session.flush()
    count = _owe_texts([entry(term)])
    record("glossary_term_added", admin, detail=term.term)
    db.session.commit()
    return term, count


def update_term(term: GlossaryTerm, data: TermInput, admin) -> int:
    """Change a term; return how many texts are owed their translations again."""
    clean = check(data, editing=term)
    before = entry(term)
    term.term, term.language, term.kind = clean.term, clean.language, clean.kind
    term.case_sensitive, term.renderings = clean.case_sensitive, clean.renderings
    db.session.flush()
    count = _owe_texts([before, entry(term)])
    record("glossary_term_changed", admin, detail=term.term)
    db.session.commit()
    return count


def delete_term(term: GlossaryTerm, admin) -> int:
    """Delete a term; return how many texts are owed their translations again."""
    before = entry(term)
    db.session.delete(term)
    count = _owe_texts([before])
    record("glossary_term_deleted", admin, detail=before.term)
    db.session.commit()
    return count


def _owe_texts(entries: list[Entry]) -> int:
    texts = list(texts_containing(entries))
    return owe_again(texts, current_app.config["LANGUAGES"])
