"""The worst search queries we can construct, timed in process on SQLite and PostgreSQL.

    .venv/bin/python bench/search_worst.py [--proposals 2000 --comments 40000]
        [--databases sqlite,postgresql] [--runs 5]

Generates a forum with every text also stored translated into 5 languages (bench/datagen.py),
builds the search index, then times each query below several times through the search
service, as the search page calls it, and prints the median and the slowest run per query.
A query that the service cuts short (its time budget ran out) is marked "cut".
PostgreSQL: FORUM_BENCH_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1/postgres);
a database is created and dropped.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from datagen import generate  # noqa: E402
from datagen import parser as datagen_parser  # noqa: E402

COMMON = ("the council should open more safe bike lanes near schools and markets so that "
          "children can cycle every day")
QUERIES = {
    "'a ' × 100 (the reported one)": ("a " * 100, 1),
    "12 one-letter prefixes": ("a b c d e f g h i j k l", 1),
    "'the ' × 50": ("the " * 50, 1),
    "12 common words": (COMMON, 1),
    "one letter": ("e", 1),
    "one common word, page 500": ("the", 500),
    "two-letter prefixes": ("co ch sc sa ma ne", 1),
    "a 200-letter word": ("x" * 200, 1),
    "every word of the generator": (" ".join(sorted(set(COMMON.split()))), 1),
}


def database_urls(names: list[str], workdir: Path) -> dict[str, str]:
    urls = {}
    if "sqlite" in names:
        urls["sqlite"] = f"sqlite:///{workdir / 'search.db'}"
    if "postgresql" in names:
        base = os.environ.get("FORUM_BENCH_DATABASE_URL",
                              "postgresql+psycopg://postgres@127.0.0.1/postgres")
        urls["postgresql"] = base.rsplit("/", 1)[0] + f"/bench_search_{uuid.uuid4().hex[:8]}"
    return urls


def create_postgresql(url: str, drop: bool = False) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        statement = "DROP DATABASE IF EXISTS" if drop else "CREATE DATABASE"
        connection.execute(text(f'{statement} "{target.database}"'
                                + (" WITH (FORCE)" if drop else "")))
    admin.dispose()


def time_queries(url: str, instance: str, runs: int) -> dict[str, tuple[float, float, str]]:
    from datagen import build_app
    from forum.search import service

    app = build_app(url, instance, ["en", "es", "fr", "ca", "de"])
    results = {}
    with app.app_context():
        reindexed = app.test_cli_runner().invoke(args=["forum", "search", "reindex"])
        print("   ", reindexed.output.strip().splitlines()[-1])
        for label, (query, page) in QUERIES.items():
            timings, note = [], ""
            for _ in range(runs):
                started = time.perf_counter()
                found = service.search(query, "en", page=page)
                timings.append((time.perf_counter() - started) * 1000)
                note = "cut" if getattr(found, "cut_short", False) else f"{found.total} hits"
            results[label] = (statistics.median(timings), max(timings), note)
    return results


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__,
                                      formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--proposals", type=int, default=2000)
    options.add_argument("--comments", type=int, default=40000)
    options.add_argument("--databases", default="sqlite,postgresql")
    options.add_argument("--runs", type=int, default=5)
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        for name, url in database_urls(args.databases.split(","), workdir).items():
            if name == "postgresql":
                create_postgresql(url)
            try:
                data = datagen_parser().parse_args([
                    "--database-url", url, "--proposals", str(args.proposals), "--comments",
                    str(args.comments), "--languages", "en,es,fr,ca,de", "--translations"])
                print(f"{name}: generating", generate(url, str(workdir / f"{name}-instance"), data))
                results = time_queries(url, str(workdir / f"{name}-instance"), args.runs)
            finally:
                if name == "postgresql":
                    create_postgresql(url, drop=True)
            print(f"\n{name}: {args.runs} runs per query, milliseconds")
            print(f"  {'query':<34} {'median':>9} {'slowest':>9}  result")
            for label, (median, slowest, note) in results.items():
                print(f"  {label:<34} {median:9.1f} {slowest:9.1f}  {note}")
            worst = max(results.values(), key=lambda r: r[1])
            print(f"  worst: {worst[1]:.1f} ms\n")


if __name__ == "__main__":
    main()
