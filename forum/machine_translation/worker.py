"""Translation jobs: claim owed ones, translate them, store the results.

Runs only in worker processes (`flask --app wsgi forum worker`, see forum/worker.py),
never in a web process: this is the only place where engines translate.
"""
from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from forum.content.render import render_markdown
from forum.db import db, is_postgresql
from forum.machine_translation import queue
from forum.machine_translation.engines.base import EngineError
from forum.machine_translation.glossary import Rules
from forum.machine_translation.glossary_terms import load_entries
from forum.machine_translation.models import Translation, TranslationJob
from forum.machine_translation.segments import MarkdownDocument, PlainDocument, document
from forum.machine_translation.translatable import (
    TYPES,
    current_hashes,
    needs_translation,
    source_hash,
    sources,
)
from forum.search import index as search_index
from forum.worker import WorkerProcess, default_name

log = logging.getLogger(__name__)


@dataclass
class _Unit:
    """One field of one claimed job: the text as read at the claim, and where it goes.

    Plain values, not ORM objects: a commit expires those, and a reload would read a
    text edited since the claim.
    """

    job_id: int
    attempts: int
    item_type: str
    item_id: int
    proposal_id: int | None
    source: str
    target: str
    field: str
    markdown: bool
    doc: MarkdownDocument | PlainDocument
    hash: str
    outputs: list[str] | None = None


@dataclass
class Tally:
    """What became of the results a worker produced."""

    stored: int = 0        # jobs whose translations were stored and marked done
    lost_claim: int = 0    # results discarded: the claim had passed to another worker or an edit
    text_changed: int = 0  # results discarded: the text changed since the claim; owed again

    @property
    def discarded(self) -> int:
        return self.lost_claim + self.text_changed


class Worker:
    """The translation job kind: claim owed translations, translate them, store them."""

    def __init__(self, router, name: str | None = None, clock=time.monotonic):
        self.router = router
        self.name = name or default_name()
        self.tally = Tally()
        self.clock = clock
        self.pair: queue.Pair | None = None  # the language pair of the last batch
        self._worked_at = clock()
        self._resting = False  # engines closed after an idle spell

    def run(self, once: bool = False) -> int:
        """Translate until nothing is owed (`once`) or stopped; return jobs claimed."""
        return WorkerProcess([self], current_app.config["MT_POLL_SECONDS"]).run(once)

    def start(self) -> None:
        """Wake jobs parked for want of an engine, and repair what a crash may have left."""
        queue.requeue()  # engines may have changed since the last run
        self.reconcile()

    def release(self) -> None:
        """Hand back the translation jobs still claimed."""
        queue.release(self.name)

    def reconcile(self) -> None:
        """Owe again any text whose job says done without a current translation."""
        from forum.machine_translation.reconcile import check

        report = check()
        if report.problems:
            log.warning("worker %s: repaired at start: %s", self.name, report.summary())

    def run_batch(self) -> int:
        """Claim one batch of jobs of one language pair and process it; return how many."""
        config = current_app.config
        pair = queue.next_pair(self.pair, config["MT_LANGUAGE_SWITCH_SECONDS"])
        if pair is None:
            self._rest_when_idle(config["MT_IDLE_RELEASE_SECONDS"])
            return 0
        token = queue.new_claim_token(self.name)
        jobs = queue.claim(token, config["MT_CLAIM_BATCH"], pair)
        if not jobs:  # another worker claimed them meanwhile: take whatever is owed
            jobs = queue.claim(token, config["MT_CLAIM_BATCH"])
        if jobs:
            self.pair = (jobs[0].source_language, jobs[0].language)
            self._worked_at, self._resting = self.clock(), False
            self.process(jobs, token)
        return len(jobs)

    def _rest_when_idle(self, idle_seconds: float) -> None:
        """Give back engine memory (pipelines, models) once idle for `idle_seconds`."""
        if self._resting or not idle_seconds or self.clock() - self._worked_at < idle_seconds:
            return
        self.router.close()
        self._resting = True
        log.info("worker %s: nothing to translate for %g s; engines' processes and models "
                 "stopped until the next job", self.name, idle_seconds)

    def process(self, jobs: list[TranslationJob], token: str) -> None:
        """Translate claimed jobs, grouped by language pair, and store the results."""
        units, finished = self._units(jobs)
        for job_id in finished:
            queue.complete(job_id, token, engine=None)
        db.session.commit()
        groups: dict[tuple[str, str], list[_Unit]] = defaultdict(list)
        for unit in units:
            groups[(unit.source, unit.target)].append(unit)
        for (source, target), group in groups.items():
            # Renewing the lease also tells which jobs an edit took away meanwhile.
            held = queue.renew(token)
            group = [unit for unit in group if unit.job_id in held]
            if group:
                self._translate_group(source, target, group, token)

    def _units(self, jobs):
        items = _load_items(jobs)
        units, finished = [], []
        # Read once per batch: a term changed since applies from the next batch on.
        entries = load_entries()
        rules = {}  # one set of rules per language pair
        for job in jobs:
            item = items.get((job.item_type, job.item_id))
            if item is None or not needs_translation(item) or item.language == job.language:
                finished.append(job.id)
                continue
            proposal_id = (search_index.proposal_of(job.item_type, item)
                           if search_index.is_searched(job.item_type) else None)
            pair = (item.language, job.language)
            glossary = rules.get(pair) or rules.setdefault(pair, Rules(entries, *pair))
            for name, (text_field, text) in sources(item).items():
                units.append(_Unit(job.id, job.attempts, job.item_type, job.item_id,
                                   proposal_id, item.language, job.language, name,
                                   text_field.markdown,
                                   document(text, text_field.markdown, glossary),
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
        for job_units in _by_job(units).values():
            try:
                chain = self._translate_units(source, target, job_units)
            except EngineError as error:
                first = job_units[0]
                log.warning("translation job %s failed: %s", first.job_id, error)
                queue.fail(first.job_id, first.attempts, token, str(error))
                db.session.commit()
                continue
            self._store(job_units, chain, token)

    def _park(self, units, token, reason) -> None:
        for job_id in {unit.job_id for unit in units}:
            queue.unavailable(job_id, token, reason)
        db.session.commit()

    def _store(self, units: list[_Unit], chain: str, token: str) -> None:
        """Store each job's translations and mark it done, only while the claim holds it.

        The fence (`queue.complete`, conditional on the claim's token) and the rows it
        guards are one transaction: a late or stale result is never stored.
        """
        current = _current_hashes(units)
        for job_units in _by_job(units).values():
            first = job_units[0]
            now = current.get((first.item_type, first.item_id), {})
            if any(now.get(unit.field) != unit.hash for unit in job_units):
                self._discard(first, "the text changed since the claim",
                              queue.text_changed(first.job_id, token))
            elif not queue.complete(first.job_id, token, engine=chain):
                self._discard(first, "the claim passed to another worker or an edit", False)
            else:
                _save(job_units, chain)
                self.tally.stored += 1
        db.session.commit()

    def _discard(self, unit: _Unit, why: str, owed_again: bool) -> None:
        if owed_again:
            self.tally.text_changed += 1
        else:
            self.tally.lost_claim += 1
        log.warning("worker %s: discarded a late translation of %s %s into %s: %s",
                    self.name, unit.item_type, unit.item_id, unit.target, why)


def _is_no_route(error: Exception) -> bool:
    return type(error).__name__ == "NoRouteError"


def _by_job(units: list[_Unit]) -> dict[int, list[_Unit]]:
    grouped: dict[int, list[_Unit]] = defaultdict(list)
    for unit in units:
        grouped[unit.job_id].append(unit)
    return grouped


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


def _current_hashes(units: list[_Unit]) -> dict[tuple[str, int], dict[str, str]]:
    """Read the items' source hashes as committed now (one query per kind)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for unit in units:
        wanted[unit.item_type].add(unit.item_id)
    return {(kind, item_id): current.hashes for kind, ids in wanted.items()
            for item_id, current in current_hashes(kind, ids).items()}


def _save(units: list[_Unit], chain: str) -> None:
    """Store one job's translated fields, and make them findable by search."""
    texts: dict[str, str] = {}
    for unit in units:
        assert unit.outputs is not None  # `_translate_units` filled them before the store
        text = unit.doc.rebuild(unit.outputs)
        _save_translation(unit, text, render_markdown(text) if unit.markdown else None, chain)
        texts[unit.field] = text
    first = units[0]
    if search_index.is_searched(first.item_type):
        assert first.proposal_id is not None  # `_units` looks it up for every searched kind
        search_index.store(db.session.connection(), first.item_type, first.item_id,
                           first.proposal_id, first.target, texts.get("title", ""),
                           texts.get("body", ""), machine_translated=True)


def _save_translation(unit: _Unit, text: str, html: str | None, chain: str) -> None:
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if is_postgresql() else sqlite
    values = dict(item_type=unit.item_type, item_id=unit.item_id, field=unit.field,
                  language=unit.target, source_language=unit.source,
                  source_hash=unit.hash, text=text, html=html, engine=chain)
    statement = dialect.insert(Translation).values(**values)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["item_type", "item_id", "field", "language"],
        set_={k: v for k, v in values.items() if k not in ("item_type", "item_id", "field",
                                                            "language")}))
