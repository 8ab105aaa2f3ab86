"""Throughput at city scale: SQLite and PostgreSQL, 1, 2 and 4 web processes.

    .venv/bin/python bench/scale.py [--proposals 10000 --comments 200000] [--duration 10s]
        [--databases sqlite,postgresql] [--workers 1,2,4]

Generates 10,000 proposals and 200,000 comments in 5 languages with every translation
stored (bench/datagen.py), serves them with gunicorn (sync workers) on 127.0.0.1 and loads
them with wrk (-t2 -c16): the proposal list, a 1,000-comment thread (first page), a search,
and posting a comment as a logged-in citizen. Prints requests/s, p50 and p99 per page,
and the resident memory of a web process and of a translation worker.
PostgreSQL: FORUM_BENCH_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1/postgres);
a database is created and dropped.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from datagen import generate  # noqa: E402
from datagen import parser as datagen_parser  # noqa: E402
from loadtest import ROOT, VENV_BIN, print_table, served, wrk  # noqa: E402

LANGUAGES = "en,es,fr,ca,de"


def login(base: str, name: str, password: str) -> tuple[str, str]:
    """Log in over HTTP; return the session cookie header and a CSRF token for forms."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def token(path: str) -> str:
        html = opener.open(base + path).read().decode()
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    form = {"display_name": name, "password": password, "csrf_token": token("/login")}
    opener.open(base + "/login", data=urllib.parse.urlencode(form).encode())
    csrf = token("/proposals/2")
    return "; ".join(f"{c.name}={c.value}" for c in jar), csrf


def rss_mb(pid: int, with_children: bool = False) -> float:
    """Resident memory of a process (and optionally its children), in MB."""
    pids = [pid]
    if with_children:
        pids += [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                text=True).stdout.split()]
    total = 0
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except FileNotFoundError:
            continue
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return round(total / 1024, 1)


def database_urls(kinds: list[str], work: Path):
    for kind in kinds:
        if kind == "sqlite":
            yield kind, f"sqlite:///{work / 'scale.db'}", None
        else:
            from sqlalchemy import create_engine, text
            from sqlalchemy.engine import make_url

            server = make_url(os.environ.get("FORUM_BENCH_DATABASE_URL",
                                             "postgresql+psycopg://postgres@127.0.0.1/postgres"))
            name = f"forum_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(server, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                yield kind, server.set(database=name).render_as_string(hide_password=False), None
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def measure(kind: str, url: str, args, work: Path) -> list[dict]:
    gen = datagen_parser().parse_args([
        "--database-url", url, "--proposals", str(args.proposals), "--comments",
        str(args.comments), "--thread", "1000", "--languages", LANGUAGES, "--translations",
        "--users", "500"])
    started = time.perf_counter()
    counts = generate(url, str(work / "instance"), gen)
    print(f"[{kind}] generated {counts} in {time.perf_counter() - started:.0f} s", flush=True)
    env = {"FORUM_DATABASE_URL": url, "FORUM_INSTANCE_PATH": str(work / "instance"),
           "FORUM_LANGUAGES": f'["{LANGUAGES.replace(",", chr(34) + "," + chr(34))}"]',
           "FORUM_RATELIMIT_ENABLED": "false", "FORUM_LANGUAGE_CHECK": "false"}
    pages = {"proposal list": "/proposals", "thread (1,000 comments)": "/proposals/1",
             "search": "/search?q=bike+lanes", "api proposals": "/api/v1/proposals"}
    rows = []
    for workers in args.workers:
        with served(env, workers=workers) as base:
            for name, path in pages.items():
                rows.append({"db": kind, "workers": workers, "page": name,
                             **wrk(base + path, duration=args.duration)})
            cookie, csrf = login(base, "citizen 2", "benchmark password")
            os.environ.update(FORUM_BENCH_COOKIE=cookie, FORUM_BENCH_CSRF=csrf,
                              FORUM_BENCH_PATH="/proposals/3/comments")
            rows.append({"db": kind, "workers": workers, "page": "post a comment",
                         **wrk(base + "/proposals/3/comments", duration=args.duration,
                               script=str(HERE / "post_comment.lua"))})
            pid = int(subprocess.run(["pgrep", "-f", f"gunicorn.*{base.rsplit(':', 1)[1]}"],
                                     capture_output=True, text=True).stdout.split()[-1])
            rows[-1]["web_rss_mb"] = rss_mb(pid)
    rows[-1]["worker_rss_mb"] = worker_memory(env)
    return rows


def worker_memory(env: dict) -> str:
    """Start a translation worker, let it translate the benchmark's new comments, measure it."""
    worker = subprocess.Popen([str(VENV_BIN / "flask"), "--app", "wsgi", "forum", "worker"],
                              cwd=ROOT, env={**os.environ, **env},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(20)
    own, total = rss_mb(worker.pid), rss_mb(worker.pid, with_children=True)
    worker.terminate()
    worker.wait(60)
    return f"{own} (with its Apertium pipelines: {total})"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--proposals", type=int, default=10000)
    p.add_argument("--comments", type=int, default=200000)
    p.add_argument("--duration", default="10s")
    p.add_argument("--databases", type=lambda s: s.split(","), default=["sqlite", "postgresql"])
    p.add_argument("--workers", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2, 4])
    args = p.parse_args()
    rows = []
    for kind, url, _ in database_urls(args.databases, Path(tempfile.mkdtemp(prefix="scale-"))):
        rows += measure(kind, url, args, Path(tempfile.mkdtemp(prefix=f"scale-{kind}-")))
    print(f"\nwrk -t2 -c16 -d{args.duration}; gunicorn sync workers; {os.cpu_count()} cores")
    print_table(rows, ["db", "workers", "page", "rps", "p50_ms", "p99_ms", "non2xx",
                       "web_rss_mb", "worker_rss_mb"])


if __name__ == "__main__":
    main()
