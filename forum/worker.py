"""The worker process: runs every kind of queued job until it is told to stop.

Commits owe work (translations, e-mails) as job rows; worker processes do it, never a
page request. A `JobKind` takes one batch at a time; the worker asks each kind in turn,
and sleeps MT_POLL_SECONDS when none had anything. On SIGTERM or SIGINT it finishes the
batch in hand, then every kind hands back the claims it still holds.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from typing import Protocol

from sqlalchemy.exc import DBAPIError

from forum.db import db

log = logging.getLogger(__name__)


class JobKind(Protocol):
    """A kind of job a worker runs (translations, mail)."""

    name: str

    def start(self) -> None:
        """Get ready before the first batch (e.g. repair what a crash may have left)."""

    def run_batch(self) -> int:
        """Claim and do one batch of owed jobs; return how many were claimed."""

    def release(self) -> None:
        """Hand back the claims still held, so other workers take them at once."""


def default_name() -> str:
    """Name a worker after its host and process, as claims show it."""
    return f"{socket.gethostname()}-{os.getpid()}"


class WorkerProcess:
    """Run job kinds in turn until stopped, or (with `once`) until nothing is owed."""

    def __init__(self, kinds: list[JobKind], poll_seconds: float):
        self.kinds = kinds
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()

    def install_signal_handlers(self) -> None:
        """Finish the current batch and hand back claims on SIGTERM or SIGINT."""
        asked: list[int] = []

        def stop(signum, _frame) -> None:
            # Returns at once after the first: a burst of signals (Ctrl-C and a supervisor's
            # TERM) must not nest it. Not SIG_IGN: a signal already pending when the
            # handler changes would then be raised as an error in the middle of a batch.
            if asked:
                return
            asked.append(signum)
            # Event.set takes a lock that the interrupted main thread may hold (Event.wait).
            threading.Thread(target=self.stopping.set, daemon=True).start()

        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, stop)

    def run(self, once: bool = False) -> int:
        """Work; return how many jobs were claimed."""
        for kind in self.kinds:
            kind.start()
        done = 0
        try:
            while not self.stopping.is_set():
                handled = sum(self._batch(kind) for kind in self.kinds)
                done += handled
                if handled == 0:
                    if once:
                        break
                    self.stopping.wait(self.poll_seconds)
        finally:
            for kind in self.kinds:
                kind.release()
        return done

    def _batch(self, kind: JobKind) -> int:
        try:
            return kind.run_batch()
        except DBAPIError as error:
            # The database went away, or ended this process's transaction (PostgreSQL's
            # idle timeout after the process was frozen): what it still claims runs out
            # with its lease, and the next batch starts afresh.
            log.warning("worker %s: %s batch abandoned: %s", kind.name, type(kind).__name__,
                        error.orig or error)
            db.session.rollback()
            return 0
