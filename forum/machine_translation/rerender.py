"""Render the stored HTML of every markdown text and translation again, from its source.

Texts keep their sanitised HTML beside their source, so pages never render markdown. An
upgrade that changes the renderer or the sanitiser's allowlist leaves that HTML as the old
version made it, until `forum mt rerender` (see cli.py) makes it again. Rows whose HTML is
already what the renderer gives now are left alone, so running it twice changes nothing.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update

from forum.content.render import render_markdown
from forum.db import db
from forum.machine_translation.models import Translation
from forum.machine_translation.translatable import TYPES

CHUNK = 500


@dataclass
class Rerendered:
    """How many stored renderings were checked and how many changed."""

    checked: int = 0
    changed: int = 0


def total() -> int:
    """Count the renderings `rerender` checks (for a progress bar)."""
    count = db.session.scalar(select(func.count()).select_from(Translation)
                              .where(Translation.html.is_not(None))) or 0
    for model, _, _ in _markdown_fields():
        count += db.session.scalar(select(func.count()).select_from(model)) or 0
    return count


def rerender(advance: Callable[[int], None] = lambda n: None) -> Rerendered:
    """Render every stored HTML again where it differs; commit chunk by chunk."""
    result = Rerendered()
    for model, source, html in _markdown_fields():
        _each_chunk(model, source, html, None, result, advance)
    _each_chunk(Translation, "text", "html", Translation.html.is_not(None), result, advance)
    return result


def _markdown_fields() -> Iterator[tuple[Any, str, str]]:
    for kind in TYPES.values():
        for field in kind.fields:
            if field.markdown:
                yield kind.model, field.attribute, field.html_attribute


def _each_chunk(model: Any, source: str, html: str, where, result: Rerendered,
                advance) -> None:
    """Render `model`'s `source` column into its `html` column, in chunks by id."""
    query = select(model.id, getattr(model, source), getattr(model, html))
    if where is not None:
        query = query.where(where)
    last = 0
    while rows := db.session.execute(
            query.where(model.id > last).order_by(model.id).limit(CHUNK)).all():
        for row_id, text, stored in rows:
            new = render_markdown(text or "")
            if new != (stored or ""):
                db.session.execute(update(model).where(model.id == row_id).values({html: new}))
                result.changed += 1
        db.session.commit()
        result.checked += len(rows)
        last = rows[-1][0]
        advance(len(rows))
