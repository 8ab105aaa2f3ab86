"""Migrations build exactly the models' schema, and go down and up again, on either engine."""
from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from forum import create_app
from forum.db import db, schema_object_in_models

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def test_the_migrated_schema_is_the_models_schema(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "include_object": schema_object_in_models, "compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_go_down_to_nothing_and_up_again(settings, database, tmp_path):
    if database.is_postgresql:
        fresh = settings  # its own database for this test process, emptied afterwards
    else:
        fresh = {**settings, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}"}
    app = create_app(fresh)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        tables = set(inspect(db.engine).get_table_names())
        downgrade(directory=MIGRATIONS, revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(directory=MIGRATIONS)
        assert set(inspect(db.engine).get_table_names()) == tables
        db.engine.dispose()
