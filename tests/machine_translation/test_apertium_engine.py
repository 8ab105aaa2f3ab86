"""The Apertium engine, driven against the real Apertium installed on this machine."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from forum.machine_translation.engines.apertium import (
    ApertiumEngine,
    deformat,
    iso_code,
    mode_languages,
    reformat,
)
from forum.machine_translation.engines.apertium_pipeline import (
    Pipeline,
    null_flush_script,
    parse_stages,
)
from forum.machine_translation.engines.base import PLACEHOLDER_RE, EngineError, placeholder

REQUIRE_ALL = os.environ.get("FORUM_REQUIRE_ALL") == "1"

# One sentence per source language and its exact `echo ... | apertium -u MODE` output.
SENTENCES = {
    "ca": "El govern ha aprovat la proposta dels veïns.",
    "es": "El gobierno ha aprobado la propuesta de los vecinos.",
    "en": "The government has approved the proposal of the neighbours.",
    "fr": "Le gouvernement a approuvé la proposition des voisins.",
    # Pairs CI does not install, for machines that have them.
    "pt": "O governo aprovou a proposta dos vizinhos.",
    "it": "Il governo ha approvato la proposta dei vicini.",
    "gl": "O goberno aprobou a proposta dos veciños.",
    "oc": "Lo govèrn a aprovat la proposicion dels vesins.",
    "eu": "Gobernuak auzokoen proposamena onartu du.",
    "ro": "Guvernul a aprobat propunerea vecinilor.",
}
CI_LANGUAGES = {"ca", "es", "en", "fr"}
EXPECTED = {
    "cat-eng": "The governance has approved the proposal of the neighbours.",
    "cat-spa": "El gobierno ha aprobado la propuesta de los vecinos.",
    "cat-fra": "Le gouvernement a approuvé la proposition des voisins.",
    "eng-cat": "La governació ha aprovat la proposta dels veïns.",
    "eng-spa": "El gobierno ha aprobado la propuesta de los vecinos.",
    "spa-cat": "El govern ha aprovat la proposta dels veïns.",
    "spa-eng": "The government has approved the proposal of the neighbours.",
    "es-fr": "Le gouvernement a approuvé la proposition des voisins.",
    "fra-cat": "El govern ha aprovat la proposició dels veïns.",
    "fr-es": "El ejecutivo ha estado de acuerdo la proposición de los vecinos.",
}
# Varied input for comparing the pipeline with one process per call.
VARIED = {
    "ca": [
        "Bon dia a tothom.", "No estic d'acord amb aquesta idea, però la respecto.",
        "Quantes persones viuen a Barcelona?", "Hola món",
        "Les votacions es faran dimarts a les 18:00h!", "Línia u.\nLínia dos\n\nParàgraf nou",
        "Això és **molt** important: llegiu-ho [aquí](http://x.y)",
        "preu: 5 € / 3$ <nota> {x} @maria #etiqueta ^hola\\",
        "  espais   múltiples\tamb tabulació  ",
        "xyzzy qwrtp desconegut", "😀 Som-hi! 👍", "Ελληνικά i català barrejats, 中文 també",
        "PROPOSTA: reduir el trànsit", "1. Primer punt\n2. Segon punt", "Ell va dir: «no ho sé»",
        "— Què vols?\n— Res.", "a~b ~c", "L'Ajuntament vol construir un parc nou al barri.",
        "Fem-ho junts", "\ufeffAmb marca d'ordre de bytes",
    ],
    "en": [
        "Good morning everyone.", "I don't agree with this idea, but I respect it.",
        "How many people live in London?", "Hello world", "The vote will be on Tuesday at 6 pm!",
        "Line one.\nLine two\n\nNew paragraph",
        "This is **very** important: read it [here](http://x.y)",
        "price: 5 € / 3$ <note> {x} @mary #tag ^hello\\", "  multiple   spaces\twith tab  ",
        "xyzzy qwrtp unknown", "😀 Let's go! 👍", "Ελληνικά and English mixed, 中文 too",
        "PROPOSAL: reduce traffic", "1. First point\n2. Second point", 'He said: "I don\'t know"',
        "- What do you want?\n- Nothing.", "a~b ~c", "The city council wants a new park.",
        "Let's do it together", "\ufeffWith a byte order mark",
    ],
}


def _missing(what: str) -> None:
    """Skip, or fail when CI demands every dependency."""
    if REQUIRE_ALL:
        pytest.fail(f"{what} is missing and FORUM_REQUIRE_ALL=1")
    pytest.skip(f"{what} is not installed")


def _need(engine: ApertiumEngine, *modes: str) -> None:
    """Skip (or fail) unless every mode is installed."""
    installed = {pair.detail for pair in engine.pairs()}
    for mode in modes:
        if mode not in installed:
            _missing(f"Apertium mode {mode}")


def _cli(mode: str, text: str) -> str:
    """Return what `echo TEXT | apertium -u MODE` prints, without echo's newline."""
    result = subprocess.run(["apertium", "-u", mode], input=(text + "\n").encode(),
                            capture_output=True, check=True, timeout=60)
    return result.stdout.decode()[:-1]


@pytest.fixture(scope="module")
def engine():
    if shutil.which("apertium") is None:
        _missing("apertium")
    engine = ApertiumEngine()
    yield engine
    engine.close()


@pytest.fixture
def impatient_engine():
    if shutil.which("apertium") is None:
        _missing("apertium")
    engine = ApertiumEngine(timeout=1.0)
    yield engine
    engine.close()


# --- formatting, without Apertium --------------------------------------------------------

@pytest.mark.parametrize("text, stream", [
    ("Hola món\n", "Hola món.[][\n]"),
    ("Bon dia.\n", "Bon dia..[][\n]"),
    ("a [b] ^c$ / @ <d> {e} \\ f\n", "a \\[b\\] \\^c\\$ \\/ \\@ \\<d\\> \\{e\\} \\\\ f.[][\n]"),
    ("u.\ndos\n\ntres\n", "u.[\n]dos.[][\n\n]tres.[][\n]"),
    ("a  b\tc ~d\n", "a[  ]b[\t]c[ ~]d.[][\n]"),
    ("to \ue0001\ue001 today\n", "to[ \ue0001\ue001 ]today.[][\n]"),
    ("a\0b\n", "ab.[][\n]"),
])
def test_deformat_follows_destxt(text, stream):
    assert deformat(text) == stream


def test_reformat_undoes_deformat():
    text = "Això **és** [x](y) ^a$ / @b <c> {d} \\ e\n\nf  g\ue0000\ue001\n"
    assert reformat(deformat(text)) == text


def test_mode_names_map_to_iso_639_1():
    assert mode_languages("cat-spa") == ("ca", "es")
    assert mode_languages("fr-es") == ("fr", "es")
    assert mode_languages("eng-cat") == ("en", "ca")
    assert mode_languages("spa-ast") == ("es", "ast")  # no 639-1 code: kept
    for variant in ("eng-cat_valencia", "spa-eng_US", "eco-es-fr", "fra-cat_pre2017",
                    "cat-spa-tagger", "nob-nno_e"):
        assert mode_languages(variant) is None
    assert iso_code("por") == "pt" and iso_code("glg") == "gl" and iso_code("ron") == "ro"


def test_parse_stages_substitutes_generator_flag_and_adds_null_flush():
    script = "lt-proc -w 'a b.bin' | apertium-tagger -g $2 'p' | lt-proc $1 'g.bin'"
    assert parse_stages(script, "-n", null_flush=False) == [
        ["lt-proc", "-z", "-w", "a b.bin"], ["apertium-tagger", "-z", "-g", "p"],
        ["lt-proc", "-z", "-n", "g.bin"]]
    assert parse_stages("lt-proc -z $1 g", "-n", null_flush=True) == [["lt-proc", "-z", "-n", "g"]]
    with pytest.raises(EngineError):
        parse_stages("lt-proc x 2>/dev/null | cat", "-n", null_flush=False)


# --- discovery ---------------------------------------------------------------------------

def test_pairs_are_discovered_without_variants(engine):
    pairs = engine.pairs()
    assert pairs and all(pair.engine == "apertium" and pair.size_bytes for pair in pairs)
    assert all("_" not in pair.detail and not pair.detail.startswith("eco-") for pair in pairs)
    by_direction = {(pair.source, pair.target): pair.detail for pair in pairs}
    for mode in EXPECTED:
        if (engine.modes_dir / f"{mode}.mode").exists():
            assert by_direction[mode_languages(mode)] == mode


def test_three_letter_mode_wins_over_two_letter_one(engine, tmp_path):
    _need(engine, "fr-es", "cat-spa")
    source = engine.modes_dir
    shutil.copy(source / "fr-es.mode", tmp_path / "fr-es.mode")
    shutil.copy(source / "fr-es.mode", tmp_path / "fra-spa.mode")
    shutil.copy(source / "cat-spa.mode", tmp_path / "cat-spa_valencia.mode")
    custom = ApertiumEngine(modes_dir=tmp_path)
    try:
        assert [(p.source, p.target, p.detail) for p in custom.pairs()] == [("fr", "es", "fra-spa")]
        shutil.copy(source / "cat-spa.mode", tmp_path / "cat-spa.mode")
        assert len(custom.pairs()) == 1  # cached until refreshed
        custom.refresh()
        assert {p.detail for p in custom.pairs()} == {"fra-spa", "cat-spa"}
        assert custom.translate(["Bon dia"], "ca", "es") == ["Buenos días"]
    finally:
        custom.close()


def test_missing_binary_means_unavailable():
    engine = ApertiumEngine(apertium_bin="no-such-apertium-binary")
    assert not engine.available() and engine.pairs() == []
    with pytest.raises(EngineError):
        engine.translate(["x"], "ca", "es")


# --- translation -------------------------------------------------------------------------

@pytest.mark.parametrize("mode", sorted(EXPECTED))
def test_each_pair_gives_the_command_line_translation(engine, mode):
    _need(engine, mode)
    source, target = mode_languages(mode)
    sentence = SENTENCES[source]
    assert engine.translate([sentence], source, target) == [EXPECTED[mode]]
    assert _cli(mode, sentence) == EXPECTED[mode]


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["cat-spa", "eng-spa"])
def test_pipeline_equals_one_process_per_call(engine, mode):
    _need(engine, mode)
    source, target = mode_languages(mode)
    sentences = VARIED[source]
    pipeline = engine.translate(sentences, source, target)
    assert pipeline == engine.translate_one_process_per_call(sentences, source, target)
    assert [_cli(mode, s) for s in sentences[:3]] == pipeline[:3]


def test_unknown_words_carry_no_marks(engine):
    _need(engine, "eng-spa")
    assert engine.translate(["The hxouse is red"], "en", "es") == ["El hxouse es rojo"]


def test_newlines_and_blank_segments_are_kept(engine):
    _need(engine, "cat-spa")
    segments = ["Línia u.\nLínia dos\n\nParàgraf nou", "", "  \n ", "Hola\n"]
    assert engine.translate(segments, "ca", "es") == [
        "Línea uno.\nLínea dos\n\nPárrafo nuevo", "", "  \n ", "Hola\n"]


@pytest.mark.parametrize("mode, text, expected", [
    ("cat-spa", f"Llegiu {placeholder(0)} i escriviu a {placeholder(1)} avui",
     f"Leéis {placeholder(0)} y escribís a {placeholder(1)} hoy"),
    ("eng-spa", f"Read {placeholder(0)} and write to {placeholder(1)} today",
     f"Leído {placeholder(0)} y escribir a {placeholder(1)} hoy"),
])
def test_placeholders_stay_in_place(engine, mode, text, expected):
    _need(engine, mode)
    assert engine.translate([text], *mode_languages(mode)) == [expected]


def test_placeholders_survive_every_pair_exactly_once(engine):
    for pair in engine.pairs():
        words = SENTENCES[pair.source].rstrip(".").split()
        segment = (f"{placeholder(0)} {' '.join(words[:3])} {placeholder(1)}{words[3]} "
                   f"({placeholder(2)}) {' '.join(words[4:])}{placeholder(3)}.")
        out = engine.translate([segment], pair.source, pair.target)[0]
        assert PLACEHOLDER_RE.findall(out) == ["0", "1", "2", "3"], (pair.detail, out)


def test_special_characters_round_trip(engine):
    _need(engine, "cat-spa")
    text = "Això és **molt** important: [enllaç] ^x$ a/b @maria <b> {c} \\ fi ~ok"
    assert engine.translate([text], "ca", "es") == [
        "Esto es **muy** importante: [enlace] ^x$ a/b @maría <b> {c} \\ fino ~ok"]
    # Pairs between the languages CI installs: apertium-es-gl, say, turns "@" into "<sent>"
    # in its own data, whatever the escaping.
    for pair in engine.pairs():
        if not {pair.source, pair.target} <= CI_LANGUAGES:
            continue
        out = engine.translate([text], pair.source, pair.target)[0]
        for char in "[]^$/@<>{}\\~*":
            assert out.count(char) == text.count(char), (pair.detail, char, out)


def test_batches_and_threads_get_their_own_answers(engine):
    _need(engine, "cat-spa", "spa-cat")
    batch = [f"Tinc {n} gats." for n in range(300)]
    expected = [f"Tengo {n} gatos." for n in range(300)]
    results: dict[int, list[str]] = {}

    def work(index: int) -> None:
        if index % 2:
            results[index] = engine.translate(batch, "ca", "es")
        else:
            results[index] = engine.translate(["Tengo un gato."], "es", "ca")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(results[i] == (expected if i % 2 else ["Tinc un gat."]) for i in range(6))


# --- robustness --------------------------------------------------------------------------

def test_killed_pipeline_is_restarted(engine):
    _need(engine, "cat-spa")
    assert engine.translate(["Bon dia"], "ca", "es") == ["Buenos días"]
    before = engine.pipeline_pids("ca", "es")
    os.kill(before[len(before) // 2], signal.SIGKILL)  # no wait: the next call races the death
    assert engine.translate(["Bon dia"], "ca", "es") == ["Buenos días"]
    after = engine.pipeline_pids("ca", "es")
    assert after and set(after).isdisjoint(before)


def test_hung_pipeline_times_out_and_is_replaced(impatient_engine):
    engine = impatient_engine
    _need(engine, "cat-spa")
    assert engine.translate(["Bon dia"], "ca", "es") == ["Buenos días"]
    stuck = engine.pipeline_pids("ca", "es")[3]
    os.kill(stuck, signal.SIGSTOP)
    started = time.monotonic()
    with pytest.raises(EngineError, match="no progress"):
        engine.translate(["Bon dia"], "ca", "es")
    assert time.monotonic() - started < 10
    assert engine.pipeline_pids("ca", "es") == []  # killed, not left for the next batch
    assert engine.translate(["Bon dia"], "ca", "es") == ["Buenos días"]
    assert stuck not in engine.pipeline_pids("ca", "es")


@pytest.mark.parametrize("text", [
    "a" + "".join(map(chr, range(1, 32))) + "\x7f\x85 casa",
    "😀😀😀", "🏳️‍🌈 Ὀδυσσεύς עברית العربية 中文 català",
    "\ufeffHola\u2028món\u200b", "Hola\0món", "\U0010ffff casa \ue123",
])
def test_odd_input_translates_or_fails_cleanly(engine, text):
    _need(engine, "cat-spa")
    started = time.monotonic()
    try:
        out = engine.translate([text], "ca", "es")[0]
        assert out == _cli("cat-spa", text.replace("\0", ""))
    except EngineError:
        pass
    assert time.monotonic() - started < 30
    assert engine.translate(["Bon dia"], "ca", "es") == ["Buenos días"]


def test_very_long_segment(engine):
    _need(engine, "cat-spa")
    text = "El govern ha aprovat la proposta dels veïns. " * 1000
    out = engine.translate([text], "ca", "es")[0]
    assert out == "El gobierno ha aprobado la propuesta de los vecinos. " * 1000


def test_invalid_unicode_is_an_engine_error(engine):
    _need(engine, "cat-spa")
    with pytest.raises(EngineError):
        engine.translate(["\ud800"], "ca", "es")
    assert engine.translate(["Bon dia"], "ca", "es") == ["Buenos días"]


def test_pipeline_without_wblank_mode_gives_the_same_output(engine):
    _need(engine, "eng-spa")
    script, null_flush = null_flush_script(engine.modes_dir / "eng-spa.mode", None)
    assert not null_flush
    env = dict(os.environ, LC_CTYPE="C.UTF-8")
    env.pop("LC_ALL", None)
    pipeline = Pipeline(parse_stages(script, "-n", null_flush), env, timeout=30)
    pipeline.start()
    try:
        sentences = VARIED["en"][:8]
        blocks = [deformat(s + "\n").encode() for s in sentences]
        answers = [reformat(a.decode())[:-1] for a in pipeline.exchange(blocks)]
    finally:
        pipeline.stop()
    assert answers == engine.translate(sentences, "en", "es")


def test_pipelines_beyond_the_cap_are_stopped():
    if shutil.which("apertium") is None:
        _missing("apertium")
    engine = ApertiumEngine(max_pipelines=1)
    try:
        _need(engine, "cat-spa", "spa-cat")
        assert engine.translate(["Bon dia"], "ca", "es") == ["Buenos días"]
        assert engine.pipeline_pids("ca", "es")
        assert engine.translate(["Buenos días"], "es", "ca") == ["Bon dia"]
        assert engine.pipeline_pids("ca", "es") == [] and engine.pipeline_pids("es", "ca")
        assert engine.translate(["Bon dia"], "ca", "es") == ["Buenos días"]
    finally:
        engine.close()


def test_close_stops_every_process():
    if shutil.which("apertium") is None:
        _missing("apertium")
    engine = ApertiumEngine()
    _need(engine, "cat-spa")
    engine.translate(["Bon dia"], "ca", "es")
    pids = engine.pipeline_pids("ca", "es")
    commands = {pid: Path(f"/proc/{pid}/cmdline").read_bytes() for pid in pids}
    engine.close()
    assert engine.pipeline_pids("ca", "es") == []
    for pid, command in commands.items():
        try:
            assert Path(f"/proc/{pid}/cmdline").read_bytes() != command
        except FileNotFoundError:
            pass


def _children() -> set[int]:
    """Return the process ids of this process's children."""
    return {int(pid) for path in Path(f"/proc/{os.getpid()}/task").glob("*/children")
            for pid in path.read_text().split()}


def test_refresh_and_close_during_batches_leak_nothing():
    if shutil.which("apertium") is None:
        _missing("apertium")
    engine = ApertiumEngine()
    _need(engine, "cat-spa")
    before = _children()
    done = threading.Event()
    failures: list[Exception] = []

    def work() -> None:
        while not done.is_set():
            try:
                assert engine.translate(["Bon dia"] * 20, "ca", "es") == ["Buenos días"] * 20
            except Exception as exc:  # collected, asserted below
                failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for round_ in range(8):
        time.sleep(0.05 * round_)
        if round_ % 2:
            engine.refresh()
        else:
            engine.close()
    done.set()
    for thread in threads:
        thread.join(timeout=60)
    engine.close()
    assert failures == []
    assert _children() - before == set()
