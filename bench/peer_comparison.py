"""This forum against FlaskBB (a peer Python forum) and a Flask "hello world", same settings.

    .venv/bin/python bench/peer_comparison.py [--duration 10s] [--skip-peers]

Uses ../shared/peers (or $PEERS_SCRIPTS): `flaskbb_setup.sh` builds FlaskBB 2.0.2 in its own
virtual environment (the Python 3.11 flavour) with one topic of 1,000 posts and a forum of
200 topics; `flaskbb_bench.sh` and `hello_bench.sh` measure it and a Flask hello world.
This script builds the comparable data set here — one proposal with 1,000 comments (flat,
like forum posts), 200 proposals, 10 items per page as FlaskBB shows, every text translated
into 3 more languages — and measures it with the same gunicorn (2 sync workers) and wrk
(-t2 -c16) settings. It prints each page's requests/s, p50, p99, and the ratios
ours/FlaskBB and ours/hello-world.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from datagen import generate  # noqa: E402
from datagen import parser as datagen_parser  # noqa: E402
from loadtest import print_table, served, wrk  # noqa: E402

PEERS = Path(os.environ.get("PEERS_SCRIPTS", HERE.parent.parent / "shared" / "peers"))
# Our page that plays the role of each FlaskBB page.
OURS = {"topic": "/proposals/1", "forum": "/proposals", "index": "/"}
# The same thread with every text in its original language: 75 % of what /proposals/1
# shows an English reader is machine-translated, so the two compare the cost of translation.
ORIGINALS = {"topic, originals": "/proposals/1?original=1"}
SUMMARY = re.compile(r"page=(\w+).*?rps=([\d.]+) p50_ms=([\d.]+) p99_ms=([\d.]+)")


def run_peer(script: str, duration: str) -> str:
    env = {**os.environ, "FLAVORS": "py311", "MODES": "sync", "REPEAT": "1",
           "DURATION": duration}
    return subprocess.run(["bash", str(PEERS / script)], env=env, capture_output=True,
                          text=True, check=True).stdout


def flaskbb(duration: str) -> dict[str, dict]:
    subprocess.run(["bash", str(PEERS / "flaskbb_setup.sh")], check=True,
                   env={**os.environ, "FLAVORS": "py311"}, capture_output=True)
    results = {}
    for line in run_peer("flaskbb_bench.sh", duration).splitlines():
        match = SUMMARY.search(line)
        if match and not line.startswith("#"):
            page, rps, p50, p99 = match.groups()
            results[page] = {"rps": float(rps), "p50_ms": float(p50), "p99_ms": float(p99)}
    return results


def hello(duration: str) -> dict | None:
    for line in run_peer("hello_bench.sh", duration).splitlines():
        match = re.search(r"rps=([\d.]+) p50_ms=([\d.]+) p99_ms=([\d.]+)", line)
        if match and "py311" in line and "mode=sync" in line and not line.startswith("#"):
            return dict(zip(("rps", "p50_ms", "p99_ms"), map(float, match.groups()), strict=True))
    return None


def ours(duration: str) -> dict[str, dict]:
    work = Path(tempfile.mkdtemp(prefix="peer-"))
    url = f"sqlite:///{work / 'forum.db'}"
    args = datagen_parser().parse_args([
        "--database-url", url, "--proposals", "200", "--thread", "1000", "--comments", "1000",
        "--nesting", "0", "--translations", "--users", "10"])
    print("our data:", generate(url, str(work / "instance"), args), flush=True)
    env = {"FORUM_DATABASE_URL": url, "FORUM_INSTANCE_PATH": str(work / "instance"),
           "FORUM_COMMENTS_PER_PAGE": "10", "FORUM_PROPOSALS_PER_PAGE": "10",
           "FORUM_RATELIMIT_ENABLED": "false"}
    with served(env, workers=2) as base:
        results = {page: wrk(base + path, duration=duration)
                   for page, path in {**OURS, **ORIGINALS}.items()}
        results["rss_mb"] = web_rss_mb(base)
        return results


def web_rss_mb(base: str) -> list[float]:
    """Resident memory of each gunicorn worker serving `base`, in MB (the master left out)."""
    port = base.rsplit(":", 1)[1]
    pids = subprocess.run(["pgrep", "-f", f"127.0.0.1:{port}"], capture_output=True,
                          text=True).stdout.split()
    sizes = []
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        parent = re.search(r"PPid:\s+(\d+)", status).group(1)
        if parent in pids:  # a worker, not the master
            sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return sorted(round(size, 1) for size in sizes)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", default="10s")
    p.add_argument("--skip-peers", action="store_true", help="measure only this forum")
    args = p.parse_args()
    mine = ours(args.duration)
    theirs = {} if args.skip_peers else flaskbb(args.duration)
    bound = None if args.skip_peers else hello(args.duration)
    rows = []
    for page, path in OURS.items():
        row = {"page": f"{page} ({path})", "ours_rps": mine[page]["rps"],
               "ours_p50": mine[page]["p50_ms"], "ours_p99": mine[page]["p99_ms"]}
        if page in theirs:
            row.update(flaskbb_rps=theirs[page]["rps"], flaskbb_p50=theirs[page]["p50_ms"],
                       flaskbb_p99=theirs[page]["p99_ms"],
                       ours_vs_flaskbb=f"{mine[page]['rps'] / theirs[page]['rps']:.2f}x")
        if bound:
            row["ours_vs_hello"] = f"{mine[page]['rps'] / bound['rps']:.3f}"
        rows.append(row)
    print(f"\ngunicorn 2 sync workers, wrk -t2 -c16 -d{args.duration}, SQLite, anonymous reader")
    if bound:
        print(f"Flask hello world (same settings): {bound['rps']} req/s, p50 {bound['p50_ms']} ms, "
              f"p99 {bound['p99_ms']} ms")
    for page, path in ORIGINALS.items():
        # The time a translated thread takes, relative to the originals (1.00: no cost).
        cost = mine[page]["rps"] / mine["topic"]["rps"]
        rows.append({"page": f"{page} ({path})", "ours_rps": mine[page]["rps"],
                     "ours_p50": mine[page]["p50_ms"], "ours_p99": mine[page]["p99_ms"],
                     "ours_vs_flaskbb": f"translated: {cost:.2f}x the time"})
    print_table(rows, ["page", "ours_rps", "ours_p50", "ours_p99", "flaskbb_rps", "flaskbb_p50",
                       "flaskbb_p99", "ours_vs_flaskbb", "ours_vs_hello"])
    print(f"web process RSS after the run (MB, each gunicorn worker): {mine['rss_mb']}")


if __name__ == "__main__":
    main()
