"""Serve the forum with gunicorn on 127.0.0.1 and load it with wrk; parse the results."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(env: dict, workers: int = 2, mode: str = "sync", app: str = "wsgi:app",
           chdir: Path = ROOT):
    """Run gunicorn with `workers` processes; yield its base URL; stop it afterwards."""
    port = free_port()
    args = [str(VENV_BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
            "--chdir", str(chdir), "--log-level", "warning", "--timeout", "60",
            "--no-control-socket"]
    if mode == "gthread":
        args += ["-k", "gthread", "--threads", "4", "--keep-alive", "0"]
    process = subprocess.Popen(args + [app], env={**os.environ, **env}, cwd=chdir,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_until_up(base: str, process) -> None:
    for _ in range(120):
        if process.poll() is not None:
            raise RuntimeError("gunicorn died: " + process.stderr.read().decode()[-2000:])
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError("gunicorn did not start in 30 s")


def _ms(value: str) -> float:
    """Convert wrk's "350.87ms", "1.20s", "850.00us" or "1.00m" to milliseconds."""
    match = re.match(r"([\d.]+)(us|ms|s|m)$", value)
    if match is None:
        raise ValueError(f"unexpected wrk latency {value!r}")
    number, unit = match.groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(url: str, duration: str = "10s", threads: int = 2, connections: int = 16,
        warmup: str = "2s", script: str | None = None) -> dict:
    """Load `url` with wrk (after a warm-up) and return rps, p50/p99 (ms) and errors."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    base = ["wrk", f"-t{threads}", f"-c{connections}", "--timeout", "10s"]
    extra = ["-s", script] if script else []
    subprocess.run(base + [f"-d{warmup}"] + extra + [url], capture_output=True, check=False)
    _drain(url, script)
    out = subprocess.run(base + [f"-d{duration}", "--latency"] + extra + [url],
                         capture_output=True, text=True, check=True).stdout
    if "Requests/sec" not in out or "Latency Distribution" not in out:
        raise RuntimeError(f"wrk gave no result for {url}:\n{out}")
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
              "p50_ms": _ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1)),
              "p99_ms": _ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1))}
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    result["non2xx"] = int(non2xx.group(1)) if non2xx else 0
    result["socket_errors"] = errors.group(1).strip() if errors else ""
    return result


def _drain(url: str, script: str | None) -> None:
    """Wait until the server has answered the warm-up's requests that wrk left queued.

    wrk stops without waiting for answers; sync workers still serve those requests, which
    would otherwise eat into the measured run (for a slow page, seconds of it).
    """
    if script:
        time.sleep(2)
        return
    urllib.request.urlopen(url, timeout=120).read()


def print_table(rows: list[dict], columns: list[str]) -> None:
    """Print results as an aligned text table."""
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns))
