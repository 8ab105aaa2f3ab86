"""The Argos engine installs real .argosmodel packages and translates through argostranslate.

Every test uses its own packages folder and the tiny packages of tests/support/tiny_argos.py,
whose model upper-cases a-z, so outputs are exact.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from forum.machine_translation.engines.argos import ArgosEngine, ArgosPackageError
from forum.machine_translation.engines.base import EngineError, Pair, placeholder

try:
    from tests.support.tiny_argos import (
        CORRUPT_KINDS,
        build_corrupt_package,
        build_tiny_package,
        expected_translation,
        package_folder,
        sentence_splitter_model,
    )
except ModuleNotFoundError:  # tests/ is no package: "tests" is then argostranslate's own
    from support.tiny_argos import (
        CORRUPT_KINDS,
        build_corrupt_package,
        build_tiny_package,
        expected_translation,
        package_folder,
        sentence_splitter_model,
    )

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, Path]:
    built = tmp_path_factory.mktemp("tiny-argos")
    return {
        "en-de": build_tiny_package(built, "en", "de"),
        "de-en": build_tiny_package(built, "de", "en"),
        "en-de 1.1": build_tiny_package(built, "en", "de", version="1.1"),
    }


@pytest.fixture
def engine(tmp_path):
    engine = ArgosEngine(tmp_path / "packages")
    yield engine
    engine.close()


@pytest.fixture
def en_de(engine, packages) -> ArgosEngine:
    engine.install(packages["en-de"])
    return engine


def files_under(folder: Path) -> list[tuple[str, int]]:
    return sorted((path.relative_to(folder).as_posix(), path.is_file() and path.stat().st_size)
                  for path in folder.rglob("*"))


def run_python(code: str, **env: str) -> str:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=PROJECT_ROOT,
                            env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_installing_a_package_lists_its_pair(engine, packages):
    assert engine.available()
    assert engine.pairs() == []

    installed = engine.install(packages["en-de"])

    folder = engine.packages_dir / package_folder("en", "de")
    size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
    assert installed == [Pair("en", "de", "argos", detail="en-de v1.0", size_bytes=size)]
    assert engine.pairs() == installed


def test_folders_that_are_not_packages_are_skipped(en_de):
    (en_de.packages_dir / "notes").mkdir()
    (en_de.packages_dir / "broken").mkdir()
    (en_de.packages_dir / "broken" / "metadata.json").write_text("{not json")

    assert [(pair.source, pair.target) for pair in en_de.pairs()] == [("en", "de")]
    assert en_de.translate(["still works"], "en", "de") == ["STILL WORKS"]


def test_listing_pairs_never_imports_argostranslate(en_de):
    output = run_python(f"""
        import json, sys
        from forum.machine_translation.engines.argos import ArgosEngine
        engine = ArgosEngine({str(en_de.packages_dir)!r})
        pairs = [[pair.source, pair.target, pair.detail] for pair in engine.pairs()]
        heavy = [name for name in ("argostranslate", "ctranslate2", "torch") if name in sys.modules]
        print(json.dumps({{"pairs": pairs, "available": engine.available(), "heavy": heavy}}))
    """)

    assert json.loads(output) == {"pairs": [["en", "de", "en-de v1.0"]], "available": True,
                                  "heavy": []}


def test_translation_is_exact(en_de):
    segments = [
        "hello world",
        "Hello, world! How are you?",
        "",
        "Hi.   Bye",
        "line one\n  line two  ",
        "   ",
        "42 ...",
        "snake_case and café",
        "Pi is 3.14, e.g. here",
    ]

    translated = en_de.translate(segments, "en", "de")

    assert translated == [
        "HELLO WORLD",
        "HELLO, WORLD! HOW ARE YOU?",
        "",
        "HI. BYE",
        "LINE ONE\n  LINE TWO  ",
        "   ",
        "42 ...",
        "SNAKE CASE AND CAFé",
        "PI IS 3.14, E.G. HERE",
    ]
    assert translated == [expected_translation(segment) for segment in segments]


def test_placeholders_come_back_once_in_place(en_de):
    code, link = placeholder(0), placeholder(1)
    segments = [f"Run {code} to see {link}.", f"{code}{link}", f"{code} then text", f"a{code}b"]

    translated = en_de.translate(segments, "en", "de")

    assert translated == [f"RUN {code} TO SEE {link}.", f"{code}{link}", f"{code} THEN TEXT",
                          f"A{code}B"]
    for segment, output in zip(segments, translated, strict=True):
        assert [output.count(token) for token in (code, link)] == \
            [segment.count(token) for token in (code, link)]


def test_all_segments_share_one_model_call(en_de, monkeypatch):
    import ctranslate2

    calls = []

    class CountingTranslator(ctranslate2.Translator):
        def translate_batch(self, batch, **options):
            calls.append(len(batch))
            return super().translate_batch(batch, **options)

    monkeypatch.setattr(ctranslate2, "Translator", CountingTranslator)
    segments = [f"Segment {n}. It has two sentences." for n in range(10)]

    batched = en_de.translate(segments, "en", "de")
    assert calls == [20]
    assert en_de.translate_one_by_one(segments, "en", "de") == batched
    assert calls[1:] == [2] * 10


def test_text_without_letters_loads_no_model(en_de):
    assert en_de.translate([], "en", "de") == []
    nothing_to_translate = ["", " ", "42", placeholder(3)]
    assert en_de.translate(nothing_to_translate, "en", "de") == nothing_to_translate
    assert en_de.loaded_pairs() == []


def test_loaded_models_are_capped_least_recently_used_first(tmp_path, packages):
    engine = ArgosEngine(tmp_path / "packages", max_loaded_models=1)
    engine.install(packages["en-de"])
    engine.install(packages["de-en"])

    assert engine.translate(["good day"], "en", "de") == ["GOOD DAY"]
    assert engine.loaded_pairs() == [("en", "de")]
    assert engine.translate(["guten tag"], "de", "en") == ["GUTEN TAG"]
    assert engine.loaded_pairs() == [("de", "en")]

    roomier = ArgosEngine(tmp_path / "packages", max_loaded_models=2)
    for source, target in [("en", "de"), ("de", "en"), ("en", "de")]:
        roomier.translate(["x"], source, target)
    assert roomier.loaded_pairs() == [("de", "en"), ("en", "de")]


def test_translating_from_threads_is_safe(tmp_path, packages):
    engine = ArgosEngine(tmp_path / "packages", max_loaded_models=1)
    engine.install(packages["en-de"])
    engine.install(packages["de-en"])
    jobs = [(f"text number {n}", *(("en", "de") if n % 2 else ("de", "en"))) for n in range(24)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda job: engine.translate([job[0]], job[1], job[2])[0], jobs))

    assert results == [text.upper() for text, _, _ in jobs]
    assert len(engine.loaded_pairs()) == 1


def test_reinstalling_a_pair_replaces_it(en_de, packages):
    assert en_de.translate(["before"], "en", "de") == ["BEFORE"]

    installed = en_de.install(packages["en-de 1.1"])

    assert [pair.detail for pair in installed] == ["en-de v1.1"]
    assert en_de.pairs() == installed
    assert [path.name for path in en_de.packages_dir.iterdir()] == \
        [package_folder("en", "de", "1.1")]
    assert en_de.translate(["after"], "en", "de") == ["AFTER"]


def test_removing_a_pair_uninstalls_it(en_de):
    en_de.translate(["loaded"], "en", "de")

    assert en_de.remove("en", "de") is True

    assert en_de.pairs() == []
    assert en_de.loaded_pairs() == []
    assert list(en_de.packages_dir.iterdir()) == []
    with pytest.raises(EngineError, match="no Argos package for en->de"):
        en_de.translate(["hello"], "en", "de")
    assert en_de.remove("en", "de") is False


def test_a_pair_that_is_not_installed_raises(en_de):
    with pytest.raises(EngineError, match="de->en"):
        en_de.translate(["hallo"], "de", "en")


@pytest.mark.parametrize("kind", CORRUPT_KINDS)
def test_broken_packages_are_refused_and_change_nothing(en_de, tmp_path, kind):
    before = files_under(en_de.packages_dir)

    with pytest.raises(ArgosPackageError, match=f"corrupt-{kind}.argosmodel: "):
        en_de.install(build_corrupt_package(tmp_path / "broken", kind))

    assert files_under(en_de.packages_dir) == before
    assert list((en_de.runtime_dir / "staging").glob("*")) == []
    assert en_de.translate(["intact"], "en", "de") == ["INTACT"]


def test_a_missing_file_is_refused(engine, tmp_path):
    with pytest.raises(ArgosPackageError, match="no such file"):
        engine.install(tmp_path / "nowhere.argosmodel")


def test_install_reports_progress_in_bytes(engine, packages):
    calls: list[tuple[int, int]] = []

    [pair] = engine.install(packages["en-de"],
                            progress=lambda done, total: calls.append((done, total)))

    assert calls[0] == (0, pair.size_bytes)
    assert calls[-1] == (pair.size_bytes, pair.size_bytes)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_the_engine_works_after_argostranslate_was_imported_for_another_folder(tmp_path, packages):
    elsewhere = tmp_path / "elsewhere"
    output = run_python(f"""
        import argostranslate.translate
        from forum.machine_translation.engines.argos import ArgosEngine
        engine = ArgosEngine({str(tmp_path / "packages")!r})
        engine.install({str(packages["en-de"])!r})
        print(engine.translate(["hello world"], "en", "de")[0])
    """, ARGOS_PACKAGES_DIR=str(elsewhere / "packages"), XDG_DATA_HOME=str(elsewhere / "data"),
        XDG_CONFIG_HOME=str(elsewhere / "config"), XDG_CACHE_HOME=str(elsewhere / "cache"),
        ORT_DISABLE_TELEMETRY="1")

    assert output == "HELLO WORLD\n"
    assert list((elsewhere / "packages").iterdir()) == []
    assert [path.name for path in (tmp_path / "packages").iterdir()] == [package_folder("en", "de")]


def test_model_failures_raise_engine_errors(en_de):
    with pytest.raises(EngineError, match="Argos en->de failed: .*position"):
        en_de.translate(["a" * 1100], "en", "de")  # longer than the tiny model's positions

    model = en_de.packages_dir / package_folder("en", "de") / "model" / "model.bin"
    model.write_bytes(b"not a model")
    en_de.close()
    with pytest.raises(EngineError, match="cannot load the Argos en->de model"):
        en_de.translate(["hello"], "en", "de")


def test_a_package_without_its_sentence_model_never_goes_online(engine, tmp_path):
    engine.install(build_tiny_package(tmp_path, sentence_splitter=False))
    splitter_dir = engine.packages_dir / package_folder("en", "de") / "minisbd"

    with pytest.raises(EngineError, match=re.escape(f"put MiniSBD's en.onnx in {splitter_dir}")):
        engine.translate(["hello"], "en", "de")

    splitter_dir.mkdir()
    (splitter_dir / "en.onnx").write_bytes(sentence_splitter_model("en"))
    assert engine.translate(["hello"], "en", "de") == ["HELLO"]
