"""`make run` stops cleanly on Ctrl-C and on a service manager's SIGTERM to its process group."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

import pytest
from sqlalchemy import create_engine, text

from conftest import need
from support_mt import ROOT, need_apertium
from support_serving import free_port

# The first run migrates and loads the demo into the new instance folder.
START_SECONDS = 180
STOP_SECONDS = 60


def healthy(port: int) -> bool:
    """Whether the web server answers its health check."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def job_states(database) -> dict[str, int]:
    """Count translation jobs by state; "running" counts only jobs some worker claims."""
    with database.connect() as connection:
        rows = connection.execute(text(
            "SELECT state, count(*) FROM translation_jobs"
            " WHERE state != 'running' OR claimed_by IS NOT NULL GROUP BY state"))
        return dict(rows.all())


def accepts_connections(port: int) -> bool:
    """Whether anything still listens on the port."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return True
    except OSError:
        return False


def tail(log) -> str:
    """The end of make's output, for failure messages."""
    return log.read_text()[-3000:]


def default_sigint() -> None:
    # A shell's background job inherits SIGINT ignored; a terminal's foreground job does not.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_make_run_stops_cleanly(tmp_path, stop):
    """Both processes stop on the signal: claims handed back, port closed, no crash."""
    need(shutil.which("make") is not None, "make")
    need_apertium()
    need((ROOT / ".venv" / ".installed").exists(), "the virtual environment (make install)")
    port = free_port()
    # The forum's defaults, but this test's instance folder and port.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FORUM_", "MAKE", "MFLAGS"))}
    env.update(FORUM_INSTANCE_PATH=str(tmp_path / "instance"), PORT=str(port), HOST="127.0.0.1")
    log = tmp_path / "make-run.log"
    # -o: no apt-get from a test, and no rewriting the .mo files other test processes read.
    command = ["make", "--no-print-directory", "-o", "system-packages", "-o", "catalogs", "run"]
    with open(log, "w") as output:
        # Its own process group, as a terminal or a service manager gives it.
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                   stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True, preexec_fn=default_sigint)
    database = create_engine(f"sqlite:///{tmp_path / 'instance' / 'forum.db'}")
    try:
        deadline = time.monotonic() + START_SECONDS
        # Wait until the web server answers and the worker has translations under way.
        while not (healthy(port) and job_states(database).keys() & {"running", "done"}):
            assert process.poll() is None, tail(log)
            assert time.monotonic() < deadline, f"not serving and translating:\n{tail(log)}"
            time.sleep(1)
        os.killpg(process.pid, stop)
        try:
            status = process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"make run did not stop:\n{tail(log)}")
        out = log.read_text()
        # make gets the group's signal too: it waits for the recipe, then dies of the signal
        # (-N here, 128+N in a shell); systemd counts death by SIGINT or SIGTERM as a clean stop.
        assert status in (0, -stop, 128 + stop), tail(log)
        for crash in ("Segmentation fault", "Traceback", "RecursionError"):
            assert crash not in out, tail(log)
        assert "stopped after" in out, tail(log)
        assert "running" not in job_states(database), "a worker kept its claims"
        assert not accepts_connections(port), "the web server still listens"
    finally:
        database.dispose()
        try:
            os.killpg(process.pid, signal.SIGKILL)  # whatever is left, if the test failed
        except ProcessLookupError:
            pass
