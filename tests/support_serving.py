"""Start the forum as it is served in production: gunicorn with the shipped configuration."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from support_mt import ROOT, environment


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_web(settings: dict) -> tuple[subprocess.Popen, str]:
    """Start a gunicorn web server (2 processes) on a free port; return it and its URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "-w", "2",
         "-b", f"127.0.0.1:{port}", "--no-control-socket", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=environment(settings, RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=True),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            return process, base
        except OSError:
            if process.poll() is not None:
                pytest.fail(process.stderr.read().decode()[-2000:])
            time.sleep(0.25)
    pytest.fail("gunicorn did not start")
