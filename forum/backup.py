"""`forum backup FILE`: a consistent copy of the database while the forum keeps running."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import cast

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url


@click.command("backup")
@with_appcontext
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
def backup_command(target: str) -> None:
    """Write a consistent backup: SQLite's online backup, or pg_dump's custom format."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        # A file database names its file; an in-memory one has none, and Path(None) raises.
        size = backup_sqlite(Path(cast(str, url.database)), Path(target))
    elif url.get_backend_name() == "postgresql":
        size = backup_postgresql(url, Path(target))
    else:
        raise click.ClickException(f"no backup method for {url.get_backend_name()}")
    click.echo(f"backup written to {target} ({size / 1e6:.1f} MB)")


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy a live SQLite database page by page (readers and writers carry on)."""
    partial = target.with_name(target.name + ".partial")
    with sqlite3.connect(source) as live, sqlite3.connect(partial) as copy:
        live.backup(copy, pages=1024)
    os.replace(partial, target)  # never leave a half-written file under the final name
    return target.stat().st_size


def backup_postgresql(url, target: Path) -> int:
    """Run pg_dump (custom format, restorable with pg_restore) for the configured database."""
    if shutil.which("pg_dump") is None:
        raise click.ClickException("pg_dump is not installed (apt-get install postgresql-client)")
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password
    command = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}",
               f"--host={url.host or 'localhost'}", f"--port={url.port or 5432}",
               f"--username={url.username or os.environ.get('USER', 'postgres')}", url.database]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise click.ClickException(f"pg_dump failed: {result.stderr.strip()}")
    return target.stat().st_size
