"""Where the time of a page goes when it is rendered (not served from a process's store).

    .venv/bin/python bench/profile_pages.py [--renders 20] [--top 15] [--as member|visitor]

Builds the data set of bench/peer_comparison.py (one proposal with 1,000 comments, 200
proposals, 10 per page, every text translated into 3 more languages), then renders the
thread page and the proposal list `--renders` times each under cProfile, with the page
store off (PAGE_CACHE_BYTES = 0), and prints the milliseconds per render and the functions
that take the most time of their own. Also the thread read in a language where 75 % of the
text is machine-translated, against the originals (`?original=1`), median of the renders.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from datagen import generate  # noqa: E402
from datagen import parser as datagen_parser  # noqa: E402
from forum import create_app  # noqa: E402

SORT = "tottime"
PAGES = {"thread": "/proposals/1", "list": "/proposals"}


def client_for(app, who: str):
    client = app.test_client()
    if who == "member":
        client.post("/login", data={"display_name": "citizen 1",
                                    "password": "benchmark password"})
    return client


def timed(client, path: str, language: str, renders: int) -> list[float]:
    timings = []
    for _ in range(renders):
        started = time.perf_counter()
        response = client.get(path, headers={"Accept-Language": language})
        assert response.status_code == 200, (path, response.status_code)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def profile(client, path: str, renders: int, top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(renders):
        client.get(path, headers={"Accept-Language": "en"})
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(SORT).print_stats(top)
    return out.getvalue()


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__,
                                      formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--renders", type=int, default=20)
    options.add_argument("--top", type=int, default=15)
    options.add_argument("--as", dest="who", choices=["visitor", "member"], default="visitor")
    options.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"])
    args = options.parse_args()
    global SORT
    SORT = args.sort
    work = Path(tempfile.mkdtemp(prefix="forum-profile-"))
    url = f"sqlite:///{work / 'forum.db'}"
    data = datagen_parser().parse_args(["--database-url", url, "--proposals", "200",
                                        "--comments", "1000", "--thread", "1000",
                                        "--nesting", "0", "--users", "10",
                                        "--languages", "en,es,fr,ca", "--translations"])
    print("data:", generate(url, str(work / "instance"), data))
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(work / "instance"),
                      "LANGUAGES": ["en", "es", "fr", "ca"], "PAGE_CACHE_BYTES": 0,
                      "COMMENTS_PER_PAGE": 10, "PROPOSALS_PER_PAGE": 10})
    with app.app_context():
        client = client_for(app, args.who)
        for name, path in PAGES.items():
            timed(client, path, "en", 3)  # warm caches of templates and catalogs
            print(f"\n{name} {path} as {args.who}: median "
                  f"{statistics.median(timed(client, path, 'en', args.renders)):.1f} ms")
            print(profile(client, path, args.renders, args.top))
        translated = statistics.median(timed(client, PAGES["thread"], "en", args.renders))
        originals = statistics.median(timed(client, PAGES["thread"] + "?original=1", "en",
                                            args.renders))
        print(f"thread, 75 % machine-translated: {translated:.1f} ms; originals: "
              f"{originals:.1f} ms; ratio {translated / originals:.2f}")


if __name__ == "__main__":
    main()
