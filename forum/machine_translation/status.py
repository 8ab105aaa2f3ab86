"""Figures for the admin view and the CLI: coverage, queue, failures, engines."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from forum.db import db
from forum.machine_translation.models import JobState, TranslationJob
from forum.machine_translation.translatable import TYPES


@dataclass
class Coverage:
    """How much of the content is available in one language."""

    language: str
    total: int        # items not originally in this language
    done: int
    pending: int
    failed: int
    unavailable: int

    @property
    def percent(self) -> float:
        return 100.0 if not self.total else round(100.0 * self.done / self.total, 1)


def coverage(languages: list[str]) -> list[Coverage]:
    """Count, per target language, the jobs in each state (one query)."""
    rows = db.session.execute(select(TranslationJob.language, TranslationJob.state,
                                     func.count()).group_by(TranslationJob.language,
                                                            TranslationJob.state))
    counts: dict[str, dict[str, int]] = {lang: {} for lang in languages}
    for lang, state, count in rows:
        counts.setdefault(lang, {})[state] = count
    result = []
    for lang in languages:
        by_state = counts.get(lang, {})
        result.append(Coverage(
            lang, sum(by_state.values()), by_state.get(JobState.DONE, 0),
            by_state.get(JobState.PENDING, 0) + by_state.get(JobState.RUNNING, 0),
            by_state.get(JobState.FAILED, 0), by_state.get(JobState.UNAVAILABLE, 0)))
    return result


def queue_length() -> int:
    """Count the jobs still owed (pending or running)."""
    return db.session.scalar(select(func.count()).select_from(TranslationJob).where(
        TranslationJob.state.in_([JobState.PENDING, JobState.RUNNING]))) or 0


def problems(limit: int = 50) -> list[TranslationJob]:
    """List jobs that failed, or that no engine can do, most recent first."""
    return list(db.session.scalars(
        select(TranslationJob)
        .where(TranslationJob.state.in_([JobState.FAILED, JobState.UNAVAILABLE])
               | TranslationJob.last_error.is_not(None))
        .order_by(TranslationJob.updated_at.desc()).limit(limit)))


def item_counts() -> dict[str, int]:
    """Count items of each translatable kind."""
    return {name: db.session.scalar(select(func.count()).select_from(kind.model)) or 0
            for name, kind in TYPES.items()}
