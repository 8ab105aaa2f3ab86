"""Keep the search index in step with originals (on commit) and translations (in the worker).

Both hooks run on the caller's connection inside its transaction, so an item and its
search document are committed together.
"""
from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from forum.db import utcnow
from forum.items import ItemKind
from forum.search.models import SearchDocument

# Keyed by str: callers pass the item_type a row stores (ItemKind values compare equal).
SEARCHED: dict[str, tuple[str | None, str]] = {
    ItemKind.PROPOSAL: ("title", "body"), ItemKind.COMMENT: (None, "body")}


def is_searched(item_type: str) -> bool:
    """Say whether items of this kind are in the search index."""
    return item_type in SEARCHED


def proposal_of(item_type: str, item) -> int:
    """Return the proposal an item belongs to."""
    return item.id if item_type == ItemKind.PROPOSAL else item.proposal_id


def store(connection, item_type: str, item_id: int, proposal_id: int, language: str,
          title: str, body: str, machine_translated: bool) -> None:
    """Insert or replace the document of one item in one language."""
    values = dict(item_type=item_type, item_id=item_id, language=language,
                  proposal_id=proposal_id, title=title or "", body=body or "",
                  machine_translated=machine_translated, updated_at=utcnow())
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(SearchDocument).values(**values)
    changes = {k: v for k, v in values.items() if k not in ("item_type", "item_id", "language")}
    # The full-text side (FTS5 rows, or the tsvector column) follows by database triggers.
    connection.execute(statement.on_conflict_do_update(
        index_elements=["item_type", "item_id", "language"], set_=changes))


def store_original(connection, item_type: str, item) -> None:
    """Index an item's original text in its own language."""
    title_field, body_field = SEARCHED[item_type]
    title = getattr(item, title_field) if title_field else ""
    store(connection, item_type, item.id, proposal_of(item_type, item), item.language,
          title, item.body_source, machine_translated=False)


def store_translation(connection, item_type: str, item, language: str,
                      texts: dict[str, str]) -> None:
    """Index an item's machine translation into `language` (texts by field name)."""
    title_field, _ = SEARCHED[item_type]
    store(connection, item_type, item.id, proposal_of(item_type, item), language,
          texts.get("title", "") if title_field else "", texts.get("body", ""),
          machine_translated=True)


def forget(connection, item_type: str, item_id: int, keep_language: str | None = None) -> None:
    """Drop an item's documents (all, or all but one language after an edit)."""
    condition = [SearchDocument.item_type == item_type, SearchDocument.item_id == item_id]
    if keep_language:
        condition.append(SearchDocument.language != keep_language)
    connection.execute(delete(SearchDocument).where(*condition))
