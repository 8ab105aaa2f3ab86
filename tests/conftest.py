"""Fixtures: an app on a fresh database per test (SQLite, or PostgreSQL when configured).

Set FORUM_TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1/postgres) to run
the whole suite on PostgreSQL: a database is created per test session from that server,
migrated once, emptied after every test and dropped at the end.
"""
from __future__ import annotations

import os
import shutil
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from forum import create_app
from forum.db import db, utcnow

REQUIRE_ALL = os.environ.get("FORUM_REQUIRE_ALL") == "1"
TEST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 1024,
    "ARGON2_PARALLELISM": 1,
    "RATELIMIT_ENABLED": False,
    "WTF_CSRF_ENABLED": False,
    "LANGUAGE_CHECK": False,
    "SERVER_NAME": "forum.test",
    # Pages speak English whatever language a test reads content in; the interface
    # language tests choose their own.
    "UI_LANGUAGES": ["en"],
}


def need(condition: bool, reason: str) -> None:
    """Skip a test whose optional component is missing, or fail under FORUM_REQUIRE_ALL=1."""
    if condition:
        return
    if REQUIRE_ALL:
        pytest.fail(f"required component missing: {reason}")
    pytest.skip(reason)


def _migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        db.engine.dispose()


class _Database:
    """Where test databases come from: a migrated SQLite template, or one PostgreSQL DB."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.server_url = os.environ.get("FORUM_TEST_DATABASE_URL")
        self.url = None
        if self.server_url:
            self._create_postgresql()
        else:
            self.template = workdir / "template.db"
            _migrate(create_app({**TEST_SETTINGS, "INSTANCE_PATH": str(workdir / "instance"),
                                 "DATABASE_URL": f"sqlite:///{self.template}"}))

    @property
    def is_postgresql(self) -> bool:
        return self.server_url is not None

    def _create_postgresql(self) -> None:
        server = make_url(self.server_url)
        self.name = f"forum_test_{uuid.uuid4().hex[:10]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        admin.dispose()
        self.url = server.set(database=self.name).render_as_string(hide_password=False)
        _migrate(create_app({**TEST_SETTINGS, "INSTANCE_PATH": str(self.workdir / "instance"),
                             "DATABASE_URL": self.url}))

    def for_test(self, tmp_path: Path) -> str:
        """Return a database URL holding an empty, migrated schema."""
        if self.is_postgresql:
            return self.url
        target = tmp_path / "forum.db"
        shutil.copyfile(self.template, target)
        return f"sqlite:///{target}"

    def reset(self, app) -> None:
        """Empty every table after a test (PostgreSQL; SQLite files are thrown away)."""
        if not self.is_postgresql:
            return
        with app.app_context():
            db.session.remove()
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            db.engine.dispose()

    def drop(self) -> None:
        if not self.is_postgresql:
            return
        admin = create_engine(make_url(self.server_url), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    source = _Database(tmp_path_factory.mktemp("db"))
    yield source
    source.drop()


@pytest.fixture
def settings(tmp_path, database) -> dict:
    """The configuration of the test's app; tests may change it before using `app`."""
    return {**TEST_SETTINGS, "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": database.for_test(tmp_path)}


@pytest.fixture
def app(settings, database):
    app = create_app(settings)
    with app.app_context():
        yield app
        db.session.remove()
    database.reset(app)
    with app.app_context():
        db.engine.dispose()


class Browser(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    The `app` fixture keeps one app context open for the whole test, and a request reuses
    an open context: without this, `g` (Flask-Login's current user, the reading language)
    and the database session would carry over from one request, or one client, to the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def browser(app) -> Browser:
    """Return a new browser (test client) on the app."""
    app.test_client_class = Browser
    return app.test_client()


@pytest.fixture
def client(app):
    return browser(app)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def postgresql_settings(tmp_path):
    """Settings of an app on a fresh, migrated PostgreSQL database, whatever the suite runs on."""
    server = make_url(os.environ.get("FORUM_TEST_DATABASE_URL")
                      or "postgresql+psycopg://postgres@127.0.0.1/postgres")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        admin.connect().close()
    except Exception:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        need(False, "PostgreSQL at " + server.render_as_string())
    name = f"forum_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    settings = {**TEST_SETTINGS, "INSTANCE_PATH": str(tmp_path / "pg-instance"),
                "DATABASE_URL": server.set(database=name).render_as_string(hide_password=False)}
    _migrate(create_app(settings))
    yield settings
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class QueryCounter:
    """Count the SQL statements an engine runs inside `counting()`."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    @contextmanager
    def counting(self):
        self.statements = []

        def count(conn, cursor, statement, *args):
            self.statements.append(statement)

        event.listen(self.engine, "before_cursor_execute", count)
        try:
            yield self
        finally:
            event.remove(self.engine, "before_cursor_execute", count)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def queries(app) -> QueryCounter:
    return QueryCounter(db.engine)


class Auth:
    """Log a test client in and out as a given person."""

    def __init__(self, client):
        self.client = client

    def login(self, user, password: str = "correct horse battery staple"):
        self.client.post("/logout")
        response = self.client.post("/login", data={"display_name": user.display_name,
                                                    "password": password})
        assert response.status_code == 302, response.data[:500]
        return response

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


class LeaseClock:
    """The clock leases are measured by, moved forward by a test instead of sleeping."""

    def __init__(self):
        self.offset = timedelta(0)

    def __call__(self):
        return utcnow() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch) -> LeaseClock:
    from forum import leases

    moved = LeaseClock()
    monkeypatch.setattr(leases, "clock", moved)
    return moved
