"""Which models hold texts that are machine-translated, and how to read their sources."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, NamedTuple


@dataclass(frozen=True)
class TextField:
    """A translated field: its public name, the attribute holding its source, its format."""

    name: str
    attribute: str
    markdown: bool

    @property
    def html_attribute(self) -> str:
        """Name the attribute holding the rendered HTML of a markdown source."""
        return self.attribute.removesuffix("_source") + "_html"


@dataclass(frozen=True)
class TranslatableType:
    """A kind of item whose texts are translated, e.g. "comment"."""

    name: str
    model: type[Any]
    fields: tuple[TextField, ...]


TYPES: dict[str, TranslatableType] = {}


def translatable(kind: str, /, **fields: str):
    """Register a model's text fields: `title="title"`, `body="markdown:body_source"`."""
    def register(model):
        parsed = tuple(_field(key, spec) for key, spec in fields.items())
        TYPES[kind] = TranslatableType(kind, model, parsed)
        model.__translatable__ = kind
        return model
    return register


def _field(name: str, spec: str) -> TextField:
    markdown, _, attribute = spec.rpartition(":")
    return TextField(name, attribute, markdown == "markdown")


def type_of(item) -> TranslatableType | None:
    """Return the registration of an item's model, if its texts are translated."""
    name = getattr(type(item), "__translatable__", None)
    return TYPES.get(name) if name else None


def needs_translation(item) -> bool:
    """Say whether an item currently has text worth translating (not erased, not empty)."""
    if getattr(item, "deleted_at", None) is not None:
        return False
    return any((text or "").strip() for _, text in sources(item).values())


def source_hash(language: str, text: str) -> str:
    """Hash a source text with its language: a stored translation is valid for this hash."""
    return hashlib.sha256(f"{language}\n{text}".encode()).hexdigest()[:40]


def sources(item) -> dict[str, tuple[TextField, str]]:
    """Return each translated field of an item with its current source text."""
    kind = type_of(item)
    return {f.name: (f, getattr(item, f.attribute) or "") for f in kind.fields} if kind else {}


class Current(NamedTuple):
    """An item's source texts as committed now: its language and each field's hash."""

    language: str
    hashes: dict[str, str]   # every field, empty ones included; no fields if nothing is owed
    worded: frozenset[str]   # the fields with text in them


def current_hashes(kind_name: str, ids) -> dict[int, Current]:
    """Read the hash of every source text of some items, as committed now, by item id.

    Items that are erased or empty have no hashes: nothing is owed for them. Items that
    are gone are left out.
    """
    from sqlalchemy import select

    from forum.db import db

    kind = TYPES[kind_name]
    model = kind.model
    columns = [model.id, model.language] + [getattr(model, f.attribute) for f in kind.fields]
    if hasattr(model, "deleted_at"):
        columns.append(model.deleted_at)
    found: dict[int, Current] = {}
    for row in db.session.execute(select(*columns).where(model.id.in_(list(ids)))):
        texts = {f.name: getattr(row, f.attribute) or "" for f in kind.fields}
        worded = frozenset(name for name, text in texts.items() if text.strip())
        live = getattr(row, "deleted_at", None) is None and worded
        hashes = {name: source_hash(row.language, t) for name, t in texts.items()} if live else {}
        found[row.id] = Current(row.language, hashes, worded if live else frozenset())
    return found
