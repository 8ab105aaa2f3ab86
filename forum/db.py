"""The database handle, the model base class and small helpers shared by all features."""
from __future__ import annotations

from datetime import UTC, datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
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


def is_postgresql() -> bool:
    """Say whether the app's database is PostgreSQL."""
    return db.engine.dialect.name == "postgresql"


@event.listens_for(Engine, "connect")
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
