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


def texts_containing(entries, chunk: int = 500):
    """Yield (kind, id, language) of live texts containing a glossary entry, read in batches.

    Each entry applies to texts in its own language (or any): the same rule the worker uses.
    """
    from forum.machine_translation.glossary import contains_term

    for kind in TYPES.values():
        model = kind.model
        columns = [getattr(model, f.attribute) for f in kind.fields]
        query = select(model.id, model.language, *columns)
        if hasattr(model, "deleted_at"):
            query = query.where(model.deleted_at.is_(None))
        prefilter = _prefilter(entries, columns)
        if prefilter is not None:
            query = query.where(prefilter)
        last = 0
        while rows := db.session.execute(query.where(model.id > last).order_by(model.id)
                                         .limit(chunk)).all():
            last = rows[-1][0]
            for item_id, language, *texts in rows:
                if any(e.language in (None, language) and
                       contains_term(text or "", e.term, e.case_sensitive)
                       for e in entries for text in texts):
                    yield kind.name, item_id, language


def _prefilter(entries, columns):
    """Narrow the rows read with LIKE, where it is safe (ASCII words: SQLite folds no more)."""
    words = [max(e.term.split(), key=len) for e in entries]
    if not words or not all(word.isascii() for word in words):
        return None
    escaped = [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words]
    return or_(*(column.ilike(f"%{word}%", escape="\\") for column in columns
                 for word in escaped))


def owe_again(texts, languages: list[str]) -> int:
    """Owe jobs into every other language for (kind, id, language) texts; return how many texts.

    Written in the caller's transaction: the caller commits.
    """
    from forum.machine_translation.outbox import upsert_statement

    connection = db.session.connection()
    count = 0
    for item_type, item_id, language in texts:
        targets = [lang for lang in languages if lang != language]
        if targets:
            connection.execute(upsert_statement(connection, item_type, item_id, targets,
                                                source_language=language))
            count += 1
    return count
