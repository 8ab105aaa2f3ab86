"""Operators back up the live database with one command, on SQLite and PostgreSQL."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess

import factories as make
from conftest import need


def test_backup_writes_a_restorable_copy(app, runner, tmp_path, database):
    make.proposal(title="Benches along the river path")
    target = tmp_path / "backup.dump"

    result = runner.invoke(args=["forum", "backup", str(target)])

    assert result.exit_code == 0, result.output
    assert "backup written to" in result.output
    if database.is_postgresql:
        need(shutil.which("pg_restore") is not None, "pg_restore")
        listing = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True,
                                 text=True, check=True).stdout
        assert "TABLE DATA public proposals" in listing
    else:
        with sqlite3.connect(target) as copy:
            titles = [row[0] for row in copy.execute("SELECT title FROM proposals")]
        assert titles == ["Benches along the river path"]
    assert not (tmp_path / "backup.dump.partial").exists()
