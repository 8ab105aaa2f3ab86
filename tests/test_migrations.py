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


def fresh_settings(settings, database, tmp_path) -> dict:
    """Settings of a database a test may take down to nothing: PostgreSQL's own, or a file."""
    if database.is_postgresql:
        return settings  # its own database for this test process, emptied afterwards
    return {**settings, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}"}


def test_the_migrated_schema_is_the_models_schema(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "include_object": schema_object_in_models, "compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_go_down_to_nothing_and_up_again(settings, database, tmp_path):
    app = create_app(fresh_settings(settings, database, tmp_path))
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        tables = set(inspect(db.engine).get_table_names())
        downgrade(directory=MIGRATIONS, revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(directory=MIGRATIONS)
        assert set(inspect(db.engine).get_table_names()) == tables
        db.engine.dispose()


def test_jobs_queued_before_the_pair_hint_get_their_items_language(settings, database, tmp_path):
    from sqlalchemy import text

    app = create_app(fresh_settings(settings, database, tmp_path))
    with app.app_context():
        downgrade(directory=MIGRATIONS, revision="base")  # PostgreSQL's is at the head
        upgrade(directory=MIGRATIONS, revision="012a183bff64")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO topics (id, slug, name, description, language, position, created_at)"
                " VALUES (7, 'parks', 'Parcs', 'Les parcs.', 'ca', 1, CURRENT_TIMESTAMP)"))
            for item_type, item_id in (("topic", 7), ("comment", 99)):  # comment 99 is gone
                connection.execute(text(
                    "INSERT INTO translation_jobs (item_type, item_id, language, state, attempts,"
                    " not_before, updated_at, created_at) VALUES (:t, :i, 'es', 'pending', 0,"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                    {"t": item_type, "i": item_id})
        upgrade(directory=MIGRATIONS, revision="47cbdab6c743")
        with db.engine.connect() as connection:
            found = dict(connection.execute(text(
                "SELECT item_type, source_language FROM translation_jobs")).all())
        assert found == {"topic": "ca", "comment": None}
        downgrade(directory=MIGRATIONS, revision="base")
        upgrade(directory=MIGRATIONS)  # an empty schema at the head, as other tests expect
        db.engine.dispose()


def test_existing_topics_go_into_one_always_open_process(settings, database, tmp_path):
    from sqlalchemy import text

    app = create_app(fresh_settings(settings, database, tmp_path))
    with app.app_context():
        downgrade(directory=MIGRATIONS, revision="base")  # PostgreSQL's is at the head
        upgrade(directory=MIGRATIONS, revision="666df323fc1c")
        with db.engine.begin() as connection:
            for number, slug in ((3, "parks"), (8, "housing")):
                connection.execute(text(
                    "INSERT INTO topics (id, slug, name, description, language, position,"
                    " created_at) VALUES (:id, :slug, 'A topic', '', 'en', 1, CURRENT_TIMESTAMP)"),
                    {"id": number, "slug": slug})
        upgrade(directory=MIGRATIONS, revision="31893c44a6f6")
        with db.engine.begin() as connection:
            assert connection.execute(text("SELECT slug, title FROM processes")).all() == [
                ("ongoing", "")]
            assert set(connection.execute(text("SELECT process_id FROM topics")).scalars()) \
                == {1}
            assert connection.execute(text("SELECT count(*) FROM process_phases")).scalar() == 0
            # The next process gets a new id on either database.
            connection.execute(text(
                "INSERT INTO processes (slug, title, description_source, description_html,"
                " language, position, created_at) VALUES ('next', 'Next', '', '', 'en', 1,"
                " CURRENT_TIMESTAMP)"))
            assert connection.execute(text(
                "SELECT id FROM processes WHERE slug = 'next'")).scalar() == 2
        downgrade(directory=MIGRATIONS, revision="base")
        upgrade(directory=MIGRATIONS)
        db.engine.dispose()
