"""Show every text in the reader's language from stored translations, never translating.

A page collects the items it shows, then asks for their translations into the reader's
language in at most two queries (the translations, and the state of the jobs for the few
texts still missing one), whatever the number of items.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlalchemy import Row, select, union_all

from forum.content.render import render_plain
from forum.db import db
from forum.machine_translation.models import JobState, Translation, TranslationJob
from forum.machine_translation.translatable import source_hash, sources, type_of


@dataclass(frozen=True)
class ShownText:
    """A text as a reader sees it: translated, or the original with the reason why."""

    html: Markup
    language: str
    original_html: Markup
    original_language: str
    status: str  # original | translated | pending | unavailable
    engine: str | None = None
    plain: str = ""  # the shown text without markup, for titles and the API

    @property
    def machine_translated(self) -> bool:
        return self.status == "translated"

    def __str__(self) -> str:
        return self.plain


def _original(item, text_field, source: str) -> tuple[Markup, str]:
    if text_field.markdown:
        return Markup(getattr(item, text_field.html_attribute) or ""), source
    return render_plain(source), source


class TranslationLookup:
    """The stored translations of a page's items into one language."""

    def __init__(self, language: str, originals_only: bool = False):
        self.language = language
        self.originals_only = originals_only
        self._translations: dict[tuple[str, int, str], Row[Any]] = {}
        self._job_states: dict[tuple[str, int], str] = {}

    def load(self, items) -> TranslationLookup:
        """Fetch translations (and job states where needed) for `items` in two queries."""
        wanted = self._foreign(items)
        if not wanted or self.originals_only:
            return self
        # Plain rows, not ORM objects: a long thread brings a thousand of them per page.
        rows = db.session.execute(_of_items(Translation, self.language, wanted, (
            Translation.item_type, Translation.item_id, Translation.field,
            Translation.source_hash, Translation.text, Translation.html, Translation.engine)))
        found = set()
        for row in rows:
            self._translations[(row.item_type, row.item_id, row.field)] = row
            found.add((row.item_type, row.item_id))
        missing = {kind: todo for kind, ids in wanted.items()
                   if (todo := [i for i in ids if (kind, i) not in found])}
        if missing:
            self._load_job_states(missing)
        return self

    def _foreign(self, items) -> dict[str, list[int]]:
        wanted: dict[str, list[int]] = {}
        for item in items:
            kind = type_of(item)
            if kind and item.language != self.language:
                wanted.setdefault(kind.name, []).append(item.id)
        return wanted

    def _load_job_states(self, missing: dict[str, list[int]]) -> None:
        rows = db.session.execute(_of_items(TranslationJob, self.language, missing, (
            TranslationJob.item_type, TranslationJob.item_id, TranslationJob.state)))
        for item_type, item_id, state in rows:
            self._job_states[(item_type, item_id)] = state

    def shown(self, item, field: str) -> ShownText:
        """Return one field of an item as the reader should see it."""
        kind = type_of(item)
        text_field, source = sources(item)[field]
        assert kind is not None  # the item has this field, so its model is translatable
        original_html, plain = _original(item, text_field, source)
        base = dict(original_html=original_html, original_language=item.language)
        if item.language == self.language or self.originals_only or not source.strip():
            return ShownText(original_html, item.language, status="original", plain=plain, **base)
        row = self._translations.get((kind.name, item.id, field))
        if row is not None and row.source_hash == source_hash(item.language, source):
            html = Markup(row.html) if text_field.markdown else render_plain(row.text)
            return ShownText(html, self.language, status="translated", engine=row.engine,
                             plain=row.text, **base)
        return ShownText(original_html, item.language, status=self._missing_status(kind.name, item),
                         plain=plain, **base)

    def _missing_status(self, kind: str, item) -> str:
        state = self._job_states.get((kind, item.id))
        if state in (JobState.UNAVAILABLE, JobState.FAILED):
            return "unavailable"
        return "pending"


def _of_items(model, language: str, wanted: dict[str, list[int]], columns):
    """Select `columns` of `model`'s rows in `language` for the wanted items, in one statement.

    One SELECT per kind of item, joined by UNION ALL: an OR of (kind, ids) pairs would make
    SQLite use only the language part of the (language, item_type, item_id) index and read
    a fifth of all translations for every page.
    """
    parts = [select(*columns).where(model.language == language, model.item_type == kind,
                                    model.item_id.in_(ids))
             for kind, ids in wanted.items()]
    return parts[0] if len(parts) == 1 else union_all(*parts)


def lookup(items, language: str, originals_only: bool = False) -> TranslationLookup:
    """Load the translations of `items` into `language` for one page."""
    return TranslationLookup(language, originals_only).load(items)


def for_request(items) -> TranslationLookup:
    """Load translations for the current reader, honouring the "show originals" toggle."""
    from flask import request

    from forum.i18n import reading_language

    return lookup(items, reading_language(), originals_only=request.args.get("original") == "1")
