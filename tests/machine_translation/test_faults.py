"""Workers killed, frozen past their lease and restarted while people post and edit: nothing lost.

Two real worker processes (real Apertium) translate while this test writes through the
services. Again and again it catches a worker holding claims and either kills it
(SIGKILL: no chance to hand anything back) or freezes it (SIGSTOP) until its lease has run
out, edits the very texts it holds, and lets it go on, late. Whatever the timing, the end
state must be the same: the reconciliation check finds nothing, and every text has exactly
one current translation per language, of its latest version.
"""
from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, text

import factories
from forum.comments import service as comments
from forum.comments.models import Comment
from forum.db import db
from forum.machine_translation import reconcile
from forum.machine_translation.models import JobState, Translation, TranslationJob
from forum.machine_translation.translatable import TYPES, needs_translation, source_hash, sources
from support_mt import ROOT, environment, finish, flask_command, need_apertium

CHAOS_SECONDS = 20
# At least this many kills and freezes, however busy the machine (then the clock decides),
# within MAX_CHAOS_SECONDS.
MIN_FAULTS = 6
MAX_CHAOS_SECONDS = 90
LEASE_SECONDS = 2
SETTINGS = dict(MT_CLAIM_BATCH=3, MT_LEASE_SECONDS=LEASE_SECONDS, MT_POLL_SECONDS=0.05)
SENTENCES = {
    "ca": ["Cal més arbres a la plaça del mercat.",
           "El barri necessita més bancs a l'ombra.",
           "Proposo obrir la biblioteca el diumenge al matí.",
           "Estic d'acord amb aquesta proposta."],
    "es": ["Hace falta más sombra en la plaza.",
           "El barrio necesita más bancos.",
           "Propongo abrir la biblioteca el domingo.",
           "Estoy de acuerdo con esta propuesta."],
    "fr": ["Il faut plus d'arbres sur la place.",
           "Le quartier a besoin de plus de bancs.",
           "Je propose d'ouvrir la bibliothèque le dimanche.",
           "Je suis d'accord avec cette proposition."],
}


@dataclass
class Tally:
    posted: int = 0
    edits: int = 0
    edits_of_held_texts: int = 0
    deleted: int = 0
    kills: int = 0
    freezes: int = 0
    restarts: int = 0
    logs: list[Path] = field(default_factory=list)


class Workers:
    """Two worker processes, restarted under new names when killed."""

    def __init__(self, settings: dict, logs: Path, tally: Tally):
        self.settings, self.logs, self.tally = settings, logs, tally
        self.generation = {"a": 0, "b": 0}
        self.running = {slot: self._start(slot) for slot in self.generation}

    def name(self, slot: str) -> str:
        return f"{slot}{self.generation[slot]}"

    def _start(self, slot: str) -> subprocess.Popen:
        log = self.logs / f"{self.name(slot)}.log"
        self.tally.logs.append(log)
        return subprocess.Popen(flask_command("forum", "worker", "--name", self.name(slot)),
                                cwd=ROOT, env=environment(self.settings, **SETTINGS),
                                stdout=log.open("w"), stderr=subprocess.STDOUT)

    def _wait_started(self, slot: str) -> None:
        """Wait until a worker says it runs (a SIGTERM before that ends Python at once)."""
        log = self.logs / f"{self.name(slot)}.log"
        deadline = time.monotonic() + 60
        while f"worker {self.name(slot)}: engines" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)

    def restart(self, slot: str) -> None:
        self.generation[slot] += 1
        self.running[slot] = self._start(slot)
        self.tally.restarts += 1

    def stop(self) -> None:
        for slot, process in self.running.items():
            process.send_signal(signal.SIGCONT)
            self._wait_started(slot)
            process.send_signal(signal.SIGTERM)
        for process in self.running.values():
            assert process.wait(60) == 0


def held_by(name: str) -> list[TranslationJob]:
    db.session.expire_all()
    return list(db.session.scalars(select(TranslationJob).where(
        TranslationJob.state == JobState.RUNNING,
        TranslationJob.claimed_by.startswith(name + ":"))))


def writing_now() -> bool:
    """Say whether another connection has a write transaction open right now.

    A worker frozen in the middle of one would hold its locks, and the writer of this test
    would wait for them for ever (PostgreSQL) or fail (SQLite): freeze between transactions.
    """
    if db.engine.dialect.name == "postgresql":
        return bool(db.session.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()")).scalar())
    probe = sqlite3.connect(db.engine.url.database, timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def catch_holding(process: subprocess.Popen, name: str, patience: float = 3.0):
    """Stop a worker between transactions while it holds claims; return them (or [])."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline and process.poll() is None:
        process.send_signal(signal.SIGSTOP)
        if (jobs := held_by(name)) and not writing_now():
            return jobs
        process.send_signal(signal.SIGCONT)
        time.sleep(0.01)
    return []


def comment_text(rng: random.Random, language: str, serial: int) -> str:
    paragraphs = [" ".join(rng.sample(SENTENCES[language], 3)) for _ in range(rng.randint(1, 4))]
    return "\n\n".join(paragraphs) + f" ({serial})"


class Writer:
    """Post, edit and delete comments through the services, as people would."""

    def __init__(self, rng: random.Random, tally: Tally):
        self.rng, self.tally = rng, tally
        self.proposal = factories.proposal(title="Benches along the river path")
        self.people = {lang: factories.user(language=lang) for lang in SENTENCES}
        self.serial = 0

    def step(self) -> None:
        live = list(db.session.scalars(select(Comment).where(Comment.deleted_at.is_(None))))
        roll = self.rng.random()
        if roll < 0.45 or len(live) < 5:
            self.post()
        elif roll < 0.95:
            self.edit(self.rng.choice(live))
        else:
            comments.delete_comment(self.rng.choice(live))
            self.tally.deleted += 1

    def post(self) -> None:
        language = self.rng.choice(list(SENTENCES))
        self.serial += 1
        factories.comment(self.proposal, self.people[language],
                          comment_text(self.rng, language, self.serial))
        self.tally.posted += 1

    def edit(self, comment: Comment) -> None:
        self.serial += 1
        comments.edit_comment(comment, comment_text(self.rng, comment.language, self.serial),
                              comment.language, None)
        self.tally.edits += 1

    def edit_held(self, jobs: list[TranslationJob]) -> None:
        for item_id in {j.item_id for j in jobs if j.item_type == "comment"}:
            comment = db.session.get(Comment, item_id)
            if comment is not None and comment.deleted_at is None:
                self.edit(comment)
                self.tally.edits_of_held_texts += 1


def chaos(workers: Workers, writer: Writer, rng: random.Random, tally: Tally) -> None:
    started = time.monotonic()
    while time.monotonic() - started < MAX_CHAOS_SECONDS and (
            time.monotonic() - started < CHAOS_SECONDS or tally.kills + tally.freezes < MIN_FAULTS
            or tally.edits_of_held_texts == 0):
        for _ in range(rng.randint(2, 6)):
            writer.step()
        slot = rng.choice(list(workers.running))
        process, name = workers.running[slot], workers.name(slot)
        jobs = catch_holding(process, name)
        if not jobs:
            process.send_signal(signal.SIGCONT)
            continue
        if rng.random() < 0.4:
            process.kill()
            process.wait()
            tally.kills += 1
            writer.edit_held(jobs)
            workers.restart(slot)
        else:
            tally.freezes += 1
            writer.edit_held(jobs)
            for _ in range(3):  # the other worker carries on meanwhile
                writer.step()
            time.sleep(LEASE_SECONDS + 0.5)
            process.send_signal(signal.SIGCONT)


def assert_every_text_current() -> int:
    """Every live text has exactly one current translation per field and language."""
    db.session.expire_all()
    languages = ["en", "es", "fr", "ca"]
    rows = {(r.item_type, r.item_id, r.field, r.language): r.source_hash
            for r in db.session.execute(select(Translation.item_type, Translation.item_id,
                                               Translation.field, Translation.language,
                                               Translation.source_hash))}
    checked = 0
    for kind in TYPES.values():
        for item in db.session.scalars(select(kind.model)):
            for field_name, (_, source) in sources(item).items():
                for language in languages:
                    key = (kind.name, item.id, field_name, language)
                    if not needs_translation(item) or language == item.language:
                        assert key not in rows or needs_translation(item), key
                        continue
                    assert rows.get(key) == source_hash(item.language, source), key
                    checked += 1
    return checked


def test_killed_and_frozen_workers_lose_nothing_and_store_nothing_stale(app, settings, tmp_path):
    need_apertium()
    rng, tally = random.Random(2026), Tally()
    writer = Writer(rng, tally)
    workers = Workers(settings, tmp_path, tally)
    try:
        chaos(workers, writer, rng, tally)
    finally:
        workers.stop()

    before_final = reconcile.check(repair=False)
    time.sleep(LEASE_SECONDS + 0.5)  # the claims of killed workers run out
    final = subprocess.Popen(flask_command("forum", "worker", "--once", "--name", "final"),
                             cwd=ROOT, env=environment(settings, **SETTINGS),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    final_output = finish(final)
    logs = "".join(path.read_text() for path in tally.logs)
    discarded = logs.count("discarded a late translation")
    checked = assert_every_text_current()
    after = reconcile.check(repair=False)
    print(f"\nfault test: {tally.posted} posted, {tally.edits} edits "
          f"({tally.edits_of_held_texts} of texts a caught worker held), "
          f"{tally.deleted} deleted, {tally.kills} kills, "
          f"{tally.freezes} freezes past the lease, {tally.restarts} restarts, "
          f"{discarded} late results discarded, {checked} current translations checked, "
          f"lost 0")

    assert before_final.stale_done == 0 and before_final.leftovers == 0, before_final.examples
    assert after.problems == 0, after.examples
    assert "repaired at start" not in logs  # no restarted worker found anything to repair
    assert "Traceback" not in logs + final_output
    assert tally.kills + tally.freezes >= MIN_FAULTS and tally.edits_of_held_texts >= 1
