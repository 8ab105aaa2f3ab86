"""Run real workers in threads and stop them at a chosen step, to interleave them exactly.

A `HeldWorker` stops at one step of claim → translate → store and waits there until the
test lets it go; everything else (claims, the real Apertium engines, the conditional
writes) is the production code. Each worker thread has its own app context, so its own
database session and connection, as a worker process would.
"""
from __future__ import annotations

import threading

from forum.db import db
from forum.machine_translation.engines import build_router
from forum.machine_translation.worker import Worker

STEPS = ("claimed", "translating", "storing")


class Hold:
    """A point where a worker waits: `reached` once it is there, it goes on after `release`."""

    def __init__(self):
        self.reached = threading.Event()
        self._go = threading.Event()

    def wait(self) -> None:
        self.reached.set()
        if not self._go.wait(60):
            raise TimeoutError("the test never released the worker")

    def release(self) -> None:
        self._go.set()


class GatedRouter:
    """The real router, except that a translation waits at the hold first."""

    def __init__(self, router, hold: Hold | None):
        self.router = router
        self.hold = hold
        self.calls = 0

    def translate(self, texts, source, target):
        self.calls += 1
        if self.hold is not None:
            self.hold.wait()
        return self.router.translate(texts, source, target)

    def __getattr__(self, name):
        return getattr(self.router, name)


class HeldWorker(Worker):
    """A real worker that waits at the hold when it reaches `step`."""

    def __init__(self, app, name: str, step: str):
        assert step in STEPS
        self.hold = Hold()
        self.step = step
        router = build_router(app.config)
        super().__init__(GatedRouter(router, self.hold if step == "translating" else None),
                         name)

    def process(self, jobs, token):
        if self.step == "claimed":
            self.hold.wait()
        return super().process(jobs, token)

    def _store(self, units, chain, token):
        if self.step == "storing":
            self.hold.wait()
        return super()._store(units, chain, token)


class InThread:
    """Run one batch of a worker in a thread with its own app context."""

    def __init__(self, app, worker: Worker):
        self.app = app
        self.worker = worker
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        with self.app.app_context():
            try:
                self.worker.run_batch()
            except BaseException as error:  # noqa: BLE001 - reported by `join`
                self.error = error
            finally:
                db.session.remove()

    def join(self) -> None:
        self.thread.join(60)
        assert not self.thread.is_alive(), "the worker thread did not finish"
        if self.error is not None:
            raise self.error


def held(app, name: str, step: str) -> tuple[HeldWorker, InThread]:
    """Start a worker that stops at `step`; return once it is held there."""
    worker = HeldWorker(app, name, step)
    running = InThread(app, worker)
    if not worker.hold.reached.wait(60):
        running.join()
        raise AssertionError(f"worker {name} never reached {step!r}")
    return worker, running


def close(*workers: Worker) -> None:
    """Close the engines of workers a test made."""
    for worker in workers:
        worker.router.close()
