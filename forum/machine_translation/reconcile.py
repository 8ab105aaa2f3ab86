"""Check that every job that says "done" left a current translation, and repair what did not.

A healthy instance always reports zero: a job is marked done only in the transaction that
stores its translations, and only by the claim that holds it. The check exists for what
no code path should produce but an operator must be able to rule out (an older version,
a restored backup, a hand edit of the database): it finds, per item and configured
language, a job that says done while a translation is missing or made from another text,
a text that never had a job, and translations left over from erased or deleted texts.
It owes the first two again and deletes the third.

It reads jobs, then translations, then the texts; a job is owed again only if it is still
done with the same `done_at`, so a text edited and translated while the check ran is
left alone instead of being translated twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import delete, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite

from forum import leases
from forum.db import db, is_postgresql, rows_changed
from forum.leases import JobState
from forum.machine_translation.models import Translation, TranslationJob
from forum.machine_translation.translatable import TYPES, Current, current_hashes
from forum.search.models import SearchDocument

CHUNK = 1000
EXAMPLES = 10


@dataclass
class Report:
    """What the check found (and repaired)."""

    checked: int = 0                 # (text, language) pairs that should have a translation
    stale_done: int = 0              # done, but the translation is missing or of another text
    never_queued: int = 0            # no job at all
    leftovers: int = 0               # translations of erased or deleted texts
    examples: list[str] = field(default_factory=list)

    @property
    def problems(self) -> int:
        return self.stale_done + self.never_queued + self.leftovers

    def note(self, text: str) -> None:
        if len(self.examples) < EXAMPLES:
            self.examples.append(text)

    def summary(self) -> str:
        return (f"checked {self.checked} translations owed: {self.stale_done} done without a "
                f"current translation (owed again), {self.never_queued} never queued (queued), "
                f"{self.leftovers} left over from erased texts (deleted)")


def check(repair: bool = True) -> Report:
    """Check every translatable text in every configured language; repair what is wrong."""
    report = Report()
    languages = current_app.config["LANGUAGES"]
    for kind in TYPES.values():
        for ids in _chunks(kind.model):
            _check_chunk(kind.name, ids, languages, report, repair)
        _remove_leftovers(kind.name, kind.model, report, repair)
    return report


def _chunks(model):
    last = 0
    while ids := list(db.session.scalars(select(model.id).where(model.id > last)
                                         .order_by(model.id).limit(CHUNK))):
        yield ids
        last = ids[-1]


def _check_chunk(kind: str, ids: list[int], languages, report: Report, repair: bool) -> None:
    jobs = {(row.item_id, row.language): row for row in db.session.execute(
        select(TranslationJob.id, TranslationJob.item_id, TranslationJob.language,
               TranslationJob.state, TranslationJob.done_at)
        .where(TranslationJob.item_type == kind, TranslationJob.item_id.in_(ids)))}
    stored: dict[tuple[int, str], dict[str, str]] = {}
    for row in db.session.execute(
            select(Translation.item_id, Translation.language, Translation.field,
                   Translation.source_hash)
            .where(Translation.item_type == kind, Translation.item_id.in_(ids))):
        stored.setdefault((row.item_id, row.language), {})[row.field] = row.source_hash
    translated = {item_id for item_id, _ in stored}
    for item_id, current in current_hashes(kind, ids).items():
        _check_item(kind, item_id, current, languages, jobs, stored, report, repair)
        if not current.hashes and item_id in translated:
            _forget_translations(kind, item_id, report, repair)
    db.session.commit()


def _check_item(kind, item_id, current: Current, languages, jobs, stored, report, repair):
    for language in languages:
        if not current.hashes or language == current.language:
            continue
        report.checked += 1
        job = jobs.get((item_id, language))
        if job is None:
            report.never_queued += 1
            report.note(f"{kind} {item_id} -> {language}: never queued")
            if repair:
                _queue(kind, item_id, language, current.language)
        elif job.state == JobState.DONE and not _is_current(
                current, stored.get((item_id, language), {})):
            if not repair or _owe_again(job.id, job.done_at):
                report.stale_done += 1
                report.note(f"{kind} {item_id} -> {language}: done without a current translation")


def _is_current(current: Current, translated: dict[str, str]) -> bool:
    return all(translated.get(name) == current.hashes[name] for name in current.worded)


def _owe_again(job_id: int, done_at) -> bool:
    now = leases.clock()
    result = db.session.execute(
        update(TranslationJob)
        .where(TranslationJob.id == job_id, TranslationJob.state == JobState.DONE,
               TranslationJob.done_at == done_at)
        .values(state=JobState.PENDING, attempts=0, not_before=now, updated_at=now,
                claimed_by=None, lease_until=None, done_at=None)
        .execution_options(synchronize_session=False))
    return rows_changed(result) == 1


def _queue(kind: str, item_id: int, language: str, source_language: str) -> None:
    dialect = postgresql if is_postgresql() else sqlite
    now = leases.clock()
    db.session.execute(dialect.insert(TranslationJob).values(
        item_type=kind, item_id=item_id, language=language, source_language=source_language,
        state=JobState.PENDING, attempts=0, not_before=now, created_at=now,
        updated_at=now).on_conflict_do_nothing())


def _forget_translations(kind: str, item_id: int, report: Report, repair: bool) -> None:
    report.leftovers += 1
    report.note(f"{kind} {item_id}: translations of an erased text")
    if repair:
        for model in (Translation, TranslationJob):
            db.session.execute(delete(model).where(model.item_type == kind,
                                                   model.item_id == item_id))
        db.session.execute(delete(SearchDocument).where(SearchDocument.item_type == kind,
                                                        SearchDocument.item_id == item_id))


def _remove_leftovers(kind: str, model, report: Report, repair: bool) -> None:
    """Find translations of items whose row is gone altogether."""
    gone = list(db.session.scalars(
        select(Translation.item_id).distinct()
        .where(Translation.item_type == kind, ~exists().where(model.id == Translation.item_id))))
    for item_id in gone:
        _forget_translations(kind, item_id, report, repair)
    db.session.commit()
