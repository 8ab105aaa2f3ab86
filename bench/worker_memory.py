"""Memory and throughput of one translation worker draining a backlog, in 5 or 10 languages.

    .venv/bin/python bench/worker_memory.py [--languages en,es,fr,ca,de] [--items 1000]
        [--runs 3] [--max-pipelines 2] [--checkout DIR]

Fills a SQLite forum with proposals and comments written in each language (real sentences:
the demo's for en/es/fr/ca, Spanish ones put into pt/gl/it/oc by Apertium, a few written
by hand for ro and de), queues their translations into every other language, then starts
one real worker process (`flask --app wsgi forum worker`) and samples, every 0.25 s until
nothing is owed, the memory of the worker and of every process under it (its Apertium
pipelines). Memory is PSS (proportional set size, /proc/PID/smaps_rollup): pages shared
between processes (libraries, the same dictionaries) are counted once, split between the
sharers, so the sum over processes is what the machine really gives them; the summed RSS,
which counts shared pages again per process, is shown beside it. Then it waits past
MT_IDLE_RELEASE_SECONDS (set to 5 s here) and samples the worker at rest.

Throughput: translation jobs done per second between the first and the last job done
(start-up excluded). --checkout runs the worker of another checkout of the forum (e.g.
`git worktree add /tmp/before ff52afb`) on the same data, for a before/after comparison.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from datagen import generate  # noqa: E402
from datagen import parser as datagen_parser  # noqa: E402
from translation import demo_sentences  # noqa: E402

VENV_BIN = ROOT / ".venv" / "bin"
IDLE_SECONDS = 5
WRITTEN = {  # languages no installed Apertium pair writes into from Spanish
    "ro": ["Consiliul ar trebui să deschidă mai multe piste pentru biciclete.",
           "Copiii merg la școală pe jos în fiecare dimineață.",
           "Parcul din centru are nevoie de mai multe bănci și copaci.",
           "Transportul public ar trebui să fie mai ieftin pentru pensionari.",
           "Vecinii cer străzi mai liniștite și mai bine luminate.",
           "Piața săptămânală aduce produse proaspete din satele apropiate."],
    "de": ["Der Stadtrat sollte mehr sichere Radwege bauen.",
           "Die Kinder gehen jeden Morgen zu Fuß zur Schule.",
           "Der Park im Zentrum braucht mehr Bänke und Bäume.",
           "Der öffentliche Verkehr sollte für Rentner billiger sein.",
           "Die Nachbarn wünschen sich ruhigere und besser beleuchtete Straßen.",
           "Der Wochenmarkt bringt frische Waren aus den Dörfern."],
}
FROM_SPANISH = {"pt": "pt", "gl": "gl", "it": "it", "oc": "oc"}


def sentences_for(languages: list[str], count: int = 60) -> dict[str, list[str]]:
    """Real sentences in each language."""
    from forum.machine_translation.engines.apertium import ApertiumEngine

    spanish = demo_sentences("es", count)
    engine = ApertiumEngine()
    found = {}
    try:
        for language in languages:
            if language in ("en", "es", "fr", "ca"):
                found[language] = demo_sentences(language, count)
            elif language in FROM_SPANISH:
                found[language] = engine.translate(spanish, "es", language)
            else:
                found[language] = WRITTEN[language]
    finally:
        engine.close()
    return found


def fill(work: Path, languages: list[str], items: int) -> str:
    """Create the forum and queue every translation; return its database URL."""
    url = f"sqlite:///{work / 'forum.db'}"
    proposals = max(items // 10, 2)
    args = datagen_parser().parse_args([
        "--database-url", url, "--users", "50", "--proposals", str(proposals),
        "--comments", str(items - proposals), "--thread", "0",
        "--languages", ",".join(languages)])
    generate(url, str(work / "instance"), args)
    texts = sentences_for(languages)
    database = sqlite3.connect(work / "forum.db")
    for table, title in (("proposals", True), ("comments", False)):
        rows = database.execute(f"SELECT id, language FROM {table}").fetchall()
        for item_id, language in rows:
            pool = texts[language]
            body = " ".join(pool[(item_id * 3 + k) % len(pool)] for k in range(1 + item_id % 3))
            if title:
                database.execute("UPDATE proposals SET title = ?, body_source = ? WHERE id = ?",
                                 (pool[item_id % len(pool)][:150], body, item_id))
            else:
                database.execute("UPDATE comments SET body_source = ? WHERE id = ?",
                                 (body, item_id))
    database.commit()
    database.close()
    queue(url, work, languages)
    return url


def queue(url: str, work: Path, languages: list[str]) -> None:
    from datagen import build_app
    from forum.machine_translation.backfill import owed_items, queue_items

    app = build_app(url, str(work / "instance"), languages)
    with app.app_context():
        queue_items(owed_items(languages), languages)


def process_tree(root: int) -> list[int]:
    """The process and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def memory_mb(pids: list[int]) -> tuple[float, float]:
    """Summed PSS and summed RSS of `pids`, in MB."""
    pss = rss = 0
    for pid in pids:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in rollup.splitlines()[1:])
        pss += int(fields["Pss"].split()[0])
        rss += int(fields["Rss"].split()[0])
    return pss / 1024, rss / 1024


def owed(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM translation_jobs "
                                  "WHERE state IN ('pending', 'running')").fetchone()[0]


def throughput(database: Path) -> tuple[int, float]:
    """Jobs done, and jobs per second between the first and the last one done."""
    with sqlite3.connect(database) as connection:
        done, first, last = connection.execute(
            "SELECT count(*), min(done_at), max(done_at) FROM translation_jobs "
            "WHERE state = 'done'").fetchone()
    seconds = (datetime.fromisoformat(last) - datetime.fromisoformat(first)).total_seconds()
    return done, done / max(seconds, 1e-6)


def run_worker(url: str, work: Path, languages: list[str], max_pipelines: int,
               checkout: Path) -> dict:
    env = {**os.environ, "FORUM_DATABASE_URL": url,
           "FORUM_INSTANCE_PATH": str(work / "instance"),
           "FORUM_LANGUAGES": json.dumps(languages), "FORUM_LANGUAGE_CHECK": "false",
           "FORUM_MT_APERTIUM_MAX_PIPELINES": str(max_pipelines),
           "FORUM_MT_IDLE_RELEASE_SECONDS": str(IDLE_SECONDS), "FORUM_MT_POLL_SECONDS": "0.5",
           "PYTHONPATH": str(checkout)}
    database = work / "forum.db"
    started = time.perf_counter()
    worker = subprocess.Popen([str(VENV_BIN / "flask"), "--app", "wsgi", "forum", "worker"],
                              cwd=checkout, env=env, stdout=subprocess.DEVNULL,
                              stderr=open(work / "worker.log", "w"))
    peak = (0.0, 0.0)
    peak_pipelines = 0
    try:
        while owed(database):
            if worker.poll() is not None:
                raise SystemExit(f"the worker stopped: see {work / 'worker.log'}")
            pids = process_tree(worker.pid)
            pss, rss = memory_mb(pids)
            if pss > peak[0]:
                peak = (pss, rss)
            # Every Apertium pipeline starts with one analyser reading an .automorf.bin.
            peak_pipelines = max(peak_pipelines,
                                 sum(".automorf.bin" in _command(pid) for pid in pids))
            time.sleep(0.25)
        drained = time.perf_counter() - started
        after = memory_mb(process_tree(worker.pid))
        time.sleep(IDLE_SECONDS + 3)
        rest = memory_mb(process_tree(worker.pid))
    finally:
        worker.terminate()
        worker.wait(60)
    done, per_second = throughput(database)
    return {"jobs": done, "jobs_per_s": round(per_second, 1), "wall_s": round(drained, 1),
            "peak_pss_mb": round(peak[0]), "peak_rss_sum_mb": round(peak[1]),
            "most_pipelines": peak_pipelines,
            "drained_pss_mb": round(after[0]), "rest_pss_mb": round(rest[0])}


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--languages", type=lambda s: s.split(","), default=["en", "es", "fr", "ca",
                                                                       "de"])
    p.add_argument("--items", type=int, default=1000, help="proposals and comments")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--max-pipelines", type=int, default=2, help="0: no limit")
    p.add_argument("--checkout", type=Path, default=ROOT,
                   help="the forum checkout whose worker runs (default: this one)")
    args = p.parse_args()
    rows = []
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory(prefix="forum-worker-bench-") as tmp:
            work = Path(tmp)
            url = fill(work, args.languages, args.items)
            row = run_worker(url, work, args.languages, args.max_pipelines,
                             args.checkout.resolve())
            print(f"run {run}: {row}", flush=True)
            rows.append(row)
    print(f"\n{len(args.languages)} languages ({','.join(args.languages)}), {args.items} items, "
          f"MT_APERTIUM_MAX_PIPELINES={args.max_pipelines}, checkout {args.checkout}, "
          f"{os.cpu_count()} cores; median of {args.runs} (min-max):")
    for key in ("jobs", "jobs_per_s", "wall_s", "peak_pss_mb", "peak_rss_sum_mb", "most_pipelines",
                "drained_pss_mb", "rest_pss_mb"):
        values = [row[key] for row in rows]
        print(f"  {key:16} {statistics.median(values):>9} ({min(values)}-{max(values)})")


if __name__ == "__main__":
    main()
