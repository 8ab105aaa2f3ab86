"""Queue translations for content that lacks them (a language was added, say)."""
from __future__ import annotations

from sqlalchemy import or_, select

from forum.db import db, utcnow
from forum.machine_translation.models import JobState, TranslationJob
from forum.machine_translation.translatable import TYPES


def owed_items(languages: list[str],
               everything: bool = False) -> list[tuple[str, int, str, str]]:
    """List (kind, id, language, item's language) of items still owed a job, or of all."""
    existing = set() if everything else set(db.session.execute(select(
        TranslationJob.item_type, TranslationJob.item_id, TranslationJob.language)))
    owed: list[tuple[str, int, str, str]] = []
    for kind in TYPES.values():
        model = kind.model
        # Items with no text at all (the untitled process an upgrade made) owe nothing.
        worded = [getattr(model, f.attribute) != "" for f in kind.fields]
        query = select(model.id, model.language).where(or_(*worded))
        if hasattr(model, "deleted_at"):
            query = query.where(model.deleted_at.is_(None))
        for item_id, language in db.session.execute(query.order_by(model.id)):
            owed.extend((kind.name, item_id, lang, language) for lang in languages
                        if lang != language and (kind.name, item_id, lang) not in existing)
    return owed


def queue_items(owed, languages: list[str], chunk: int = 500) -> int:
    """Create or reset the jobs `owed` lists (as `owed_items` does); return the count."""
    count = 0
    now = utcnow()
    batch: list[tuple[str, int, str, str]] = []
    for job in owed:
        batch.append(job)
        if len(batch) >= chunk:
            count += _queue(batch, now)
            batch = []
    if batch:
        count += _queue(batch, now)
    return count


def _queue(batch, now) -> int:
    from forum.machine_translation.outbox import upsert_statement

    connection = db.session.connection()
    for item_type, item_id, language, source in batch:
        connection.execute(upsert_statement(connection, item_type, item_id, [language], now,
                                            source_language=source))
    db.session.commit()
    return len(batch)


def pending_count() -> int:
    """Count jobs owed now."""
    from sqlalchemy import func

    return db.session.scalar(select(func.count()).select_from(TranslationJob).where(
        TranslationJob.state.in_([JobState.PENDING, JobState.RUNNING]))) or 0
