"""Throughput and latency of the thread page and the proposal list.

    .venv/bin/python bench/thread_page.py [--proposals 200] [--thread 1000] [--duration 10s]

Generates a forum (N proposals, one of them with a --thread-comment discussion nested up to
depth 12, every text translated into every language), serves it with gunicorn (sync
workers) on 127.0.0.1 and measures with wrk: requests/s, p50 and p99 latency. Also prints
the SQL statements each page costs (a count, independent of the machine).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from datagen import build_app, generate  # noqa: E402
from datagen import parser as datagen_parser
from loadtest import print_table, served, wrk  # noqa: E402


def query_counts(database_url: str, instance: str, languages, pages: dict) -> dict:
    """Count SQL statements per page with the test client."""
    from sqlalchemy import event

    from forum.db import db

    app = build_app(database_url, instance, languages)
    counts = {}
    with app.app_context():
        client = app.test_client()
        for name, url in pages.items():
            statements = []
            listener = lambda *a, statements=statements: statements.append(1)  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            response = client.get(url)
            event.remove(db.engine, "before_cursor_execute", listener)
            assert response.status_code == 200, (url, response.status_code)
            counts[name] = len(statements)
    return counts


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--proposals", type=int, default=200)
    p.add_argument("--thread", type=int, default=1000)
    p.add_argument("--comments", type=int, default=None,
                   help="all comments (default: thread + 2 per proposal)")
    p.add_argument("--duration", default="10s")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--per-page", type=int, default=1000,
                   help="top-level comments per thread page "
                        "(default: the whole thread on one page)")
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="forum-bench-"))
    url = f"sqlite:///{work / 'forum.db'}"
    gen = datagen_parser().parse_args(["--database-url", url, "--proposals", str(args.proposals),
                                       "--thread", str(args.thread), "--comments",
                                       str(args.comments or args.thread + 2 * args.proposals),
                                       "--translations"])
    print("data:", generate(url, str(work / "instance"), gen))
    pages = {"thread (en)": "/proposals/1?lang=en", "thread (original)": "/proposals/1?original=1",
             "proposal list": "/proposals",
             "api thread": "/api/v1/proposals/1?lang=en&per_page=500"}
    env = {"FORUM_DATABASE_URL": url, "FORUM_INSTANCE_PATH": str(work / "instance"),
           "FORUM_LANGUAGES": '["en","es","fr","ca"]',
           "FORUM_COMMENTS_PER_PAGE": str(args.per_page), "FORUM_RATELIMIT_ENABLED": "false"}
    os.environ.update(env)
    print("SQL statements per page:",
          query_counts(url, str(work / "instance"), gen.languages, pages))
    rows = []
    with served(env, workers=args.workers) as base:
        for name, path in pages.items():
            result = wrk(base + path, duration=args.duration)
            rows.append({"page": name, **result})
    print(f"\nwrk -t2 -c16 -d{args.duration}, gunicorn {args.workers} sync workers, SQLite (WAL)")
    print_table(rows, ["page", "rps", "p50_ms", "p99_ms", "non2xx", "socket_errors"])


if __name__ == "__main__":
    main()
