"""Translation throughput per engine, batched against one by one, and the read cost of
translated pages.

    .venv/bin/python bench/translation.py [--segments 300]

1. Apertium (a long-running pipeline per pair): segments/s and words/s for one batch,
   for one call per segment through the same pipeline, and for one `apertium` process per
   segment (the naive way; measured on fewer segments because it is slow).
2. Argos Translate on the tiny model the test suite builds (real argostranslate loading and
   CTranslate2 decoding; the model is tiny, so absolute numbers say little about real
   models, but the batched/one-by-one ratio is real).
3. Reading: the thread page with every comment machine-translated against the same page
   showing originals (?original=1), in process, median of repeated requests: a ratio.
Sentences come from the demo content, in each pair's source language.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

APERTIUM_PAIRS = [("ca", "es"), ("en", "es"), ("es", "en"), ("fr", "es"), ("ca", "en")]


def demo_sentences(language: str, count: int) -> list[str]:
    """Return `count` real sentences written in `language` in the demo."""
    data = json.loads((ROOT / "forum/demo/content.json").read_text())
    texts = []

    def walk(comments):
        for comment in comments:
            if comment["language"] == language:
                texts.append(comment["body"])
            walk(comment.get("replies", []))

    for proposal in data["proposals"]:
        if proposal["language"] == language:
            texts.append(proposal["body"])
        walk(proposal.get("comments", []))
    sentences = [s.strip() + "." for text in texts for s in text.replace("\n", " ").split(". ")
                 if len(s.split()) >= 4]
    return (sentences * (count // max(len(sentences), 1) + 1))[:count]


def measure(function, segments) -> dict:
    started = time.perf_counter()
    function(segments)
    seconds = time.perf_counter() - started
    words = sum(len(s.split()) for s in segments)
    return {"segments": len(segments), "seconds": round(seconds, 2),
            "segments_per_s": round(len(segments) / seconds, 1),
            "words_per_s": round(words / seconds)}


def apertium_rows(count: int) -> list[dict]:
    from forum.machine_translation.engines.apertium import ApertiumEngine

    engine = ApertiumEngine()
    if not engine.available():
        print("Apertium is not installed: skipped")
        return []
    rows = []
    for source, target in APERTIUM_PAIRS:
        segments = demo_sentences(source, count)
        engine.translate(segments[:2], source, target)  # start the pipeline first
        batched = measure(lambda s, source=source, target=target:
                          engine.translate(s, source, target), segments)
        single = measure(lambda s, source=source, target=target:
                         [engine.translate([x], source, target) for x in s], segments)
        few = segments[: max(10, count // 15)]
        process = measure(lambda s, source=source, target=target:
                          engine.translate_one_process_per_call(s, source, target), few)
        pair = f"{source}->{target}"
        rows += [{"engine": "apertium", "pair": pair, "mode": "pipeline, one batch", **batched},
                 {"engine": "apertium", "pair": pair, "mode": "pipeline, one call each", **single},
                 {"engine": "apertium", "pair": pair, "mode": "process per segment", **process}]
        rows[-3]["vs_one_by_one"] = f"{single['seconds'] / batched['seconds']:.1f}x"
        rows[-3]["vs_process"] = f"{batched['segments_per_s'] / process['segments_per_s']:.0f}x"
    engine.close()
    return rows


def argos_rows(count: int) -> list[dict]:
    from forum.machine_translation.engines.argos import ArgosEngine
    from support.tiny_argos import build_tiny_package

    work = Path(tempfile.mkdtemp(prefix="argos-bench-"))
    engine = ArgosEngine(work / "packages")
    engine.install(build_tiny_package(work / "build", "en", "de"))
    segments = [s[:200] for s in demo_sentences("en", count)]
    engine.translate(segments[:2], "en", "de")  # load the model
    batched = measure(lambda s: engine.translate(s, "en", "de"), segments)
    single = measure(lambda s: engine.translate_one_by_one(s, "en", "de"), segments)
    engine.close()
    return [{"engine": "argos (tiny model)", "pair": "en->de", "mode": "one batch",
             "vs_one_by_one": f"{single['seconds'] / batched['seconds']:.1f}x", **batched},
            {"engine": "argos (tiny model)", "pair": "en->de", "mode": "one call each", **single}]


def reading_ratio(thread: int, repeats: int) -> dict:
    from datagen import build_app, generate, parser

    work = Path(tempfile.mkdtemp(prefix="read-bench-"))
    url = f"sqlite:///{work / 'forum.db'}"
    args = parser().parse_args(["--database-url", url, "--proposals", "20", "--thread",
                                str(thread), "--comments", str(thread), "--translations"])
    generate(url, str(work / "instance"), args)
    app = build_app(url, str(work / "instance"), args.languages)
    app.config["COMMENTS_PER_PAGE"] = thread
    client = app.test_client()
    times = {}
    for name, path in (("translated", "/proposals/1"), ("original", "/proposals/1?original=1")):
        client.get(path, headers={"Accept-Language": "en"})
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            client.get(path, headers={"Accept-Language": "en"})
            samples.append(time.perf_counter() - started)
        times[name] = statistics.median(samples) * 1000
    return {"comments": thread, "translated_ms": round(times["translated"], 1),
            "original_ms": round(times["original"], 1),
            "ratio": round(times["translated"] / times["original"], 2)}


def main() -> None:
    from loadtest import print_table

    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--segments", type=int, default=300)
    p.add_argument("--thread", type=int, default=1000)
    p.add_argument("--repeats", type=int, default=15)
    args = p.parse_args()
    rows = apertium_rows(args.segments) + argos_rows(args.segments)
    print_table(rows, ["engine", "pair", "mode", "segments", "seconds", "segments_per_s",
                       "words_per_s", "vs_one_by_one", "vs_process"])
    print("\nreading a thread whose comments (75% of them) are machine-translated, "
          "against the same page in originals:")
    print(reading_ratio(args.thread, args.repeats))


if __name__ == "__main__":
    main()
