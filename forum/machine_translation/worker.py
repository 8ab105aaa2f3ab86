"""The translation worker: claims owed jobs, translates them, stores the results.

Runs only in worker processes (`flask --app wsgi forum worker`), never in a web process:
this is the only place where engines translate.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections import defaultdict
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from forum.content.render import render_markdown
from forum.db import db, is_postgresql
from forum.machine_translation import queue
from forum.machine_translation.engines.base import EngineError
from forum.machine_translation.models import Translation, TranslationJob
from forum.machine_translation.segments import document
from forum.machine_translation.translatable import TYPES, needs_translation, source_hash, sources
from forum.notifications import mail
from forum.search import index as search_index

log = logging.getLogger(__name__)


@dataclass
class _Unit:
    """One field of one job: its document, and where its translations go."""

    job: TranslationJob
    item: object
    field: str
    markdown: bool
    doc: object
    hash: str
    outputs: list[str] | None = None


class Worker:
    """Claim and translate owed jobs until stopped."""

    def __init__(self, router, name: str | None = None):
        self.router = router
        self.name = name or f"{socket.gethostname()}-{os.getpid()}"
        self.stopping = threading.Event()

    def run(self, once: bool = False) -> int:
        """Work until stopped (or, with `once`, until nothing is owed); return jobs done."""
        done = 0
        queue.requeue()  # engines may have changed since the last run
        while not self.stopping.is_set():
            handled = self.run_batch()
            done += handled
            mail.send_pending()
            if handled == 0:
                if once:
                    break
                self.stopping.wait(current_app.config["MT_POLL_SECONDS"])
        queue.release(self.name)
        return done

    def install_signal_handlers(self) -> None:
        """Finish the current batch and hand back claims on SIGTERM or SIGINT."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.stopping.set())

    def run_batch(self) -> int:
        """Claim one batch of jobs and process it; return how many were claimed."""
        token = queue.new_claim_token(self.name)
        jobs = queue.claim(token, current_app.config["MT_CLAIM_BATCH"])
        if jobs:
            self.process(jobs, token)
        return len(jobs)

    def process(self, jobs: list[TranslationJob], token: str) -> None:
        """Translate claimed jobs, grouped by language pair, and store the results."""
        units, finished = self._units(jobs)
        for job in finished:
            queue.complete(job.id, token, engine=None)
        db.session.commit()
        groups: dict[tuple[str, str], list[_Unit]] = defaultdict(list)
        for unit in units:
            groups[(unit.item.language, unit.job.language)].append(unit)
        for (source, target), group in groups.items():
            self._translate_group(source, target, group, token)

    def _units(self, jobs):
        items = _load_items(jobs)
        units, finished = [], []
        for job in jobs:
            item = items.get((job.item_type, job.item_id))
            if item is None or not needs_translation(item) or item.language == job.language:
                finished.append(job)
                continue
            for name, (text_field, text) in sources(item).items():
                units.append(_Unit(job, item, name, text_field.markdown,
                                   document(text, text_field.markdown),
                                   source_hash(item.language, text)))
        return units, finished

    def _translate_group(self, source: str, target: str, units: list[_Unit], token: str):
        try:
            chain = self._translate_units(source, target, units)
        except EngineError as error:
            # One bad text must not fail its neighbours: retry each job on its own.
            if _is_no_route(error):
                return self._park(units, token, str(error))
            return self._one_by_one(source, target, units, token)
        self._store(units, chain, token)

    def _translate_units(self, source: str, target: str, units: list[_Unit]) -> str:
        segments = [s for unit in units for s in unit.doc.segments]
        texts = [s.text for s in segments if s.has_words]
        try:
            outputs, chain = self.router.translate(texts, source, target) if texts else ([], "")
        except EngineError:
            raise
        except Exception as error:  # an engine bug is still only this batch's failure
            raise EngineError(f"{type(error).__name__}: {error}") from error
        if len(outputs) != len(texts):
            raise EngineError(f"engine returned {len(outputs)} segments for {len(texts)}")
        produced = iter(outputs)
        for unit in units:
            unit.outputs = [next(produced) if s.has_words else s.text for s in unit.doc.segments]
        return chain or "none"

    def _one_by_one(self, source, target, units, token) -> None:
        by_job: dict[int, list[_Unit]] = defaultdict(list)
        for unit in units:
            by_job[unit.job.id].append(unit)
        for job_units in by_job.values():
            try:
                chain = self._translate_units(source, target, job_units)
            except EngineError as error:
                log.warning("translation job %s failed: %s", job_units[0].job.id, error)
                queue.fail(job_units[0].job, token, str(error))
                db.session.commit()
                continue
            self._store(job_units, chain, token)

    def _park(self, units, token, reason) -> None:
        for job_id in {unit.job.id for unit in units}:
            queue.unavailable(job_id, token, reason)
        db.session.commit()

    def _store(self, units: list[_Unit], chain: str, token: str) -> None:
        texts: dict[int, dict[str, str]] = defaultdict(dict)
        for unit in units:
            text = unit.doc.rebuild(unit.outputs)
            _save_translation(unit, text, render_markdown(text) if unit.markdown else None, chain)
            texts[unit.job.id][unit.field] = text
        for job, item in {unit.job.id: (unit.job, unit.item) for unit in units}.values():
            if queue.complete(job.id, token, engine=chain):
                _index(job, item, texts[job.id])
        db.session.commit()


def _is_no_route(error: Exception) -> bool:
    return type(error).__name__ == "NoRouteError"


def _load_items(jobs) -> dict[tuple[str, int], object]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for job in jobs:
        wanted[job.item_type].add(job.item_id)
    items = {}
    for kind, ids in wanted.items():
        model = TYPES[kind].model
        for item in db.session.scalars(select(model).where(model.id.in_(ids))):
            items[(kind, item.id)] = item
    return items


def _index(job: TranslationJob, item, texts: dict[str, str]) -> None:
    """Make the translation findable by search in its language."""
    if search_index.is_searched(job.item_type):
        search_index.store_translation(db.session.connection(), job.item_type, item,
                                       job.language, texts)


def _save_translation(unit: _Unit, text: str, html: str | None, chain: str) -> None:
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if is_postgresql() else sqlite
    values = dict(item_type=unit.job.item_type, item_id=unit.job.item_id, field=unit.field,
                  language=unit.job.language, source_language=unit.item.language,
                  source_hash=unit.hash, text=text, html=html, engine=chain)
    statement = dialect.insert(Translation).values(**values)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["item_type", "item_id", "field", "language"],
        set_={k: v for k, v in values.items() if k not in ("item_type", "item_id", "field",
                                                            "language")}))
