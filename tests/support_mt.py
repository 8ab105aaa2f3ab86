"""Helpers for the machine-translation tests: real workers, in process or as processes."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import need
from forum.machine_translation.engines import build_router
from forum.machine_translation.worker import Worker

ROOT = Path(__file__).resolve().parents[1]


def need_apertium() -> None:
    """Skip (or fail under FORUM_REQUIRE_ALL=1) when Apertium is not installed."""
    need(shutil.which("apertium") is not None, "Apertium (apt-get install apertium-eng-spa …)")


def run_worker(app, name: str = "test-worker") -> int:
    """Run a real worker in this process until nothing is owed; return jobs handled."""
    router = build_router(app.config)
    try:
        return Worker(router, name).run(once=True)
    finally:
        router.close()


def environment(settings: dict, **extra) -> dict[str, str]:
    """Express test settings as FORUM_* variables for a worker or web process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    for key, value in {**settings, **extra}.items():
        if key == "INSTANCE_PATH":
            env["FORUM_INSTANCE_PATH"] = str(value)
        elif key not in ("TESTING", "SERVER_NAME"):
            env[f"FORUM_{key}"] = value if isinstance(value, str) else json.dumps(value)
    env["PYTHONPATH"] = str(ROOT)
    return env


def flask_command(*args: str) -> list[str]:
    """Return the command line of `flask --app wsgi …` in this virtual environment."""
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


def start_worker(settings: dict, name: str, *args: str, **extra) -> subprocess.Popen:
    """Start `flask --app wsgi forum worker` as a separate process."""
    return subprocess.Popen(flask_command("forum", "worker", "--name", name, *args),
                            cwd=ROOT, env=environment(settings, **extra),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(process: subprocess.Popen, timeout: float = 120) -> str:
    """Wait for a process; fail the test with its output if it failed."""
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        pytest.fail(f"process did not finish:\n{output}")
    assert process.returncode == 0, output
    return output
