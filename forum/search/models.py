"""The search index: one document per searchable item per language.

A proposal written in Catalan has a document in Catalan (its original) and one in each
language it was machine-translated into, so a citizen searching in French finds it
through its French translation. The full-text machinery lives beside this table and
differs per database: an FTS5 table kept in sync by triggers on SQLite, a `tsvector`
column with a GIN index (per-language text search configuration) on PostgreSQL — both
created by the migration.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import Model, utcnow


class SearchDocument(Model):
    """The searchable text of one proposal or comment in one language."""

    __tablename__ = "search_documents"
    __table_args__ = (
        UniqueConstraint("item_type", "item_id", "language"),
        Index("ix_search_documents_proposal", "proposal_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_type: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[int]
    language: Mapped[str] = mapped_column(String(8))
    proposal_id: Mapped[int]
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    machine_translated: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
