"""The database handle, the model base class and small helpers shared by all features."""
from __future__ import annotations

import math
import sqlite3
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CursorResult, MetaData, Result, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic migrations can alter them on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# Models subclass `Model`: at runtime Flask-SQLAlchemy's `db.Model` (which binds them to `db`),
# and for the type checker its declarative base, since `db.Model` is made dynamically.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


def schema_object_in_models(obj, name, type_, reflected, compare_to) -> bool:
    """Tell Alembic to compare an object, leaving out what the search migration made by hand."""
    if type_ == "table" and name and name.startswith("search_fts"):
        return False
    if type_ == "column" and name == "tsv":
        return False
    return not (type_ == "index" and name == "ix_search_documents_tsv")


def utcnow() -> datetime:
    """Return the current UTC time as a naive datetime (how every timestamp is stored)."""
    return datetime.now(UTC).replace(tzinfo=None)


def by_id(model, ids) -> dict:
    """Load the rows of `model` with these ids (None and 0 ignored) in one query, by id."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(wanted)))}


def rows_changed(result: Result[Any]) -> int:
    """Return how many rows an UPDATE or DELETE matched, from the result of executing it."""
    # Session.execute is typed to return a Result; for these statements it is a CursorResult.
    return cast(CursorResult[Any], result).rowcount


def is_postgresql() -> bool:
    """Say whether the app's database is PostgreSQL."""
    return db.engine.dialect.name == "postgresql"


def listen_once(target, name: str, listener) -> None:
    """Register an SQLAlchemy event listener unless it already is (apps share classes)."""
    if not event.contains(target, name, listener):
        event.listen(target, name, listener)


def init_app(app) -> None:
    """Bind the database to the app, and tune every SQLite connection it opens."""
    db.init_app(app)
    listen_once(Engine, "connect", _tune_sqlite)


def limit_idle_transactions(engine, seconds: float) -> None:
    """Have PostgreSQL end this engine's transactions left idle for `seconds`.

    A worker process frozen in the middle of a write (a paused machine) would otherwise
    hold its row locks, and every edit of the same texts would wait for it, for ever.
    """
    if engine.dialect.name != "postgresql":
        return

    def limit(dbapi_connection, _record) -> None:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET idle_in_transaction_session_timeout = {int(seconds * 1000)}")
        dbapi_connection.autocommit = autocommit

    event.listen(engine, "connect", limit)
    engine.dispose()  # connections opened before the limit must not be reused


def _tune_sqlite(dbapi_connection, _record) -> None:
    # WAL lets the web process read while the translation worker writes; the busy
    # timeout makes a writer wait for the other instead of failing at once.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        _ensure_sqrt(dbapi_connection)


def _ensure_sqrt(dbapi_connection) -> None:
    # Ranking comments (forum/comments/orders.py) needs sqrt(), which SQLite only has when
    # built with its math functions; Python's own is as good.
    try:
        dbapi_connection.execute("SELECT sqrt(4)")
    except sqlite3.OperationalError:
        dbapi_connection.create_function("sqrt", 1, math.sqrt, deterministic=True)
