"""Stored machine translations and the translation work owed to each text."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import Model, utcnow
from forum.leases import JobState, LeasedJob

__all__ = ["GlossaryTerm", "JobState", "Translation", "TranslationJob"]


class Translation(Model):
    """One field of one item in one language, as an engine chain translated it.

    Valid only while `source_hash` equals the hash of the item's current source text:
    an edit makes it stale at once, and the re-queued job replaces it.
    """

    __tablename__ = "translations"
    __table_args__ = (
        UniqueConstraint("item_type", "item_id", "field", "language"),
        Index("ix_translations_lookup", "language", "item_type", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_type: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[int]
    field: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    source_language: Mapped[str] = mapped_column(String(8))
    source_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    # Sanitised HTML for markdown fields, produced by the same pipeline as originals.
    html: Mapped[str | None] = mapped_column(Text)
    engine: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TranslationJob(LeasedJob, Model):
    """The translation of one item into one language, owed since the item was committed.

    Claimed, fenced and leased as `forum.leases` describes; an edit of the item resets it.
    """

    __tablename__ = "translation_jobs"
    __table_args__ = (
        UniqueConstraint("item_type", "item_id", "language"),
        Index("ix_translation_jobs_claim", "state", "not_before"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_type: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[int]
    language: Mapped[str] = mapped_column(String(8))
    # The item's language when the job was owed. Only a hint, for claiming jobs of one
    # language pair together (a worker keeps few engine pipelines running); the worker
    # translates from the item's own language as it reads it.
    source_language: Mapped[str | None] = mapped_column(String(8))
    last_error: Mapped[str | None] = mapped_column(Text)
    engine: Mapped[str | None] = mapped_column(String(255))
    # The worker that finished the job, for admins (and for proving no job ran twice).
    worker: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]


class GlossaryTerm(Model):
    """A term of the instance glossary, applied by the worker whatever the engine.

    `language` is the source language the term is written in, or None for texts in any
    language. A "keep" term is never translated; a "fixed" term becomes its rendering in
    `renderings` (target language code → text). Matching is whole-word and ignores case
    unless `case_sensitive` is set; see `forum.machine_translation.glossary`.
    """

    __tablename__ = "glossary_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(8))  # "keep" or "fixed"
    case_sensitive: Mapped[bool] = mapped_column(default=False)
    renderings: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
