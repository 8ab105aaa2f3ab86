"""Which columns point at a person (or a proposal), read from the models' metadata.

Deletion and export find every table that references an account this way, so a feature
added later (a new table with a foreign key to users.id) is handled without being named
here; tests check that each such column has a decided fate.
"""
from __future__ import annotations

from sqlalchemy import Column, Table, delete, select

from forum.db import db, rows_changed
from forum.machine_translation.models import Translation, TranslationJob
from forum.machine_translation.translatable import TYPES
from forum.search.models import SearchDocument


def columns_referencing(table_name: str) -> list[Column]:
    """Return every column, in any table, holding a foreign key to `table_name`.id."""
    found = []
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name == table_name and key.column.name == "id":
                found.append(key.parent)
    return found


def translatable_kind(table: Table) -> str | None:
    """Return the item type under which a table's texts are translated, if they are."""
    for kind in TYPES.values():
        if kind.model.__table__ is table:
            return kind.name
    return None


def forget_texts(item_type: str, ids) -> None:
    """Drop the translations, owed jobs and search documents of items about to vanish."""
    ids = list(ids)
    if not ids:
        return
    for model in (Translation, TranslationJob, SearchDocument):
        db.session.execute(delete(model).where(model.item_type == item_type,
                                               model.item_id.in_(ids)))


def delete_rows(table: Table, condition) -> int:
    """Delete rows of any table, with the derived texts of translatable ones."""
    kind = translatable_kind(table)
    if kind is not None:
        forget_texts(kind, db.session.scalars(select(table.c.id).where(condition)))
    return rows_changed(db.session.execute(delete(table).where(condition)))
