"""Time and memory of the open-data exports on a big forum.

    .venv/bin/python bench/export.py [--comments 200000] [--database-url postgresql+psycopg://…]

Generates a forum (bulk inserts, every text translated into every other language), then
downloads comments.csv and export.json through the WSGI app, reading the stream chunk by
chunk as a client would, and prints rows, bytes, seconds and the peak memory the download
added to the process (tracemalloc), which should not grow with the number of comments.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from datagen import build_app, generate  # noqa: E402
from datagen import parser as datagen_parser


def download(client, path: str) -> dict:
    """Read one export as a client would; return its size, time and peak memory."""
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get(path)
    size = lines = 0
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\n" if isinstance(chunk, bytes) else "\n")
    response.close()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"path": path, "lines": lines, "MB": round(size / 1e6, 1),
            "seconds": round(seconds, 1), "peak MB": round(peak / 1e6, 1)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--comments", type=int, default=200_000)
    p.add_argument("--proposals", type=int, default=2_000)
    p.add_argument("--database-url", default=None, help="default: SQLite in a temporary folder")
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="forum-bench-export-"))
    url = args.database_url or f"sqlite:///{work / 'forum.db'}"
    gen = datagen_parser().parse_args([
        "--database-url", url, "--proposals", str(args.proposals), "--comments",
        str(args.comments), "--thread", "1000", "--translations"])
    print("generated:", generate(url, str(work / "instance"), gen))
    app = build_app(url, str(work / "instance"), gen.languages)
    app.config.update(SERVER_NAME="bench.local", RATELIMIT_ENABLED=False)
    with app.app_context():
        client = app.test_client()
        for path in ("/api/v1/export/comments.csv", "/api/v1/export.json"):
            print(download(client, path))


if __name__ == "__main__":
    main()
