"""The worker process: job kinds in turn, a clean stop, and survival when the database fails."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, OperationalError

from forum.db import limit_idle_transactions
from forum.worker import WorkerProcess


class Kind:
    """A job kind that has `batches` to do, and may fail once on the way."""

    def __init__(self, name: str, batches: list[int], fail_at: int | None = None):
        self.name, self.batches, self.fail_at = name, list(batches), fail_at
        self.calls, self.started, self.released = 0, False, False

    def start(self) -> None:
        self.started = True

    def release(self) -> None:
        self.released = True

    def run_batch(self) -> int:
        self.calls += 1
        if self.calls == self.fail_at:
            raise OperationalError("UPDATE translation_jobs …", {},
                                   Exception("terminating connection due to idle-in-"
                                             "transaction timeout"))
        return self.batches.pop(0) if self.batches else 0


def test_every_kind_runs_in_turn_until_nothing_is_owed(app):
    translations, mail = Kind("translations", [3, 2]), Kind("mail", [1])

    done = WorkerProcess([translations, mail], poll_seconds=0).run(once=True)

    assert done == 6
    assert translations.started and mail.started and translations.released and mail.released


def test_a_batch_the_database_broke_is_abandoned_and_the_worker_goes_on(app, caplog):
    broken = Kind("translations", [4, 4], fail_at=1)

    done = WorkerProcess([broken, Kind("mail", [2])], poll_seconds=0).run(once=True)

    assert done == 4 + 2 + 4  # the failed call claimed nothing, the next batches ran
    assert "batch abandoned" in caplog.text and broken.released


def test_a_workers_idle_transactions_are_ended_by_postgresql(postgresql_settings):
    engine = create_engine(postgresql_settings["DATABASE_URL"])
    limit_idle_transactions(engine, 1.5)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SHOW idle_in_transaction_session_timeout")).scalar() \
                == "1500ms"
            connection.execute(text("SELECT 1"))
            time.sleep(2)  # idle in a transaction, as a frozen worker would be
            with pytest.raises(DBAPIError):  # the worker loop survives exactly these
                connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()
