"""Apertium engine: rule-based translation through long-running null-flush pipelines."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import threading
from collections import OrderedDict
from pathlib import Path

from .apertium_pipeline import (
    Pipeline,
    PipelineBroken,
    PipelineError,
    null_flush_script,
    parse_stages,
)
from .base import Engine, EngineError, Pair

# Apertium names languages by ISO 639-3 (older pairs by 639-1); the forum uses 639-1.
# Codes without a 639-1 equivalent (e.g. "ast", "hbs") are kept as they are.
ISO_639_1 = {
    "afr": "af", "amh": "am", "ara": "ar", "arg": "an", "asm": "as", "aze": "az",
    "bak": "ba", "bel": "be", "ben": "bn", "bod": "bo", "bos": "bs", "bre": "br",
    "bul": "bg", "cat": "ca", "ces": "cs", "che": "ce", "chv": "cv", "cor": "kw",
    "cos": "co", "cym": "cy", "dan": "da", "deu": "de", "div": "dv", "ell": "el",
    "eng": "en", "epo": "eo", "est": "et", "eus": "eu", "fao": "fo", "fas": "fa",
    "fin": "fi", "fra": "fr", "fry": "fy", "gla": "gd", "gle": "ga", "glg": "gl",
    "glv": "gv", "grn": "gn", "guj": "gu", "hat": "ht", "hau": "ha", "heb": "he",
    "hin": "hi", "hrv": "hr", "hun": "hu", "hye": "hy", "ibo": "ig", "ido": "io",
    "ina": "ia", "ind": "id", "isl": "is", "ita": "it", "jav": "jv", "jpn": "ja",
    "kat": "ka", "kaz": "kk", "khm": "km", "kin": "rw", "kir": "ky", "kmr": "ku",
    "kor": "ko", "kur": "ku", "lao": "lo", "lat": "la", "lav": "lv", "lin": "ln",
    "lit": "lt", "ltz": "lb", "lug": "lg", "mal": "ml", "mar": "mr", "mkd": "mk",
    "mlt": "mt", "mon": "mn", "mri": "mi", "msa": "ms", "mya": "my", "nep": "ne",
    "nld": "nl", "nno": "nn", "nob": "nb", "nor": "no", "oci": "oc", "ori": "or",
    "orm": "om", "oss": "os", "pan": "pa", "pes": "fa", "pol": "pl", "por": "pt",
    "pus": "ps", "que": "qu", "roh": "rm", "ron": "ro", "run": "rn", "rus": "ru",
    "san": "sa", "sin": "si", "slk": "sk", "slv": "sl", "sme": "se", "sna": "sn",
    "som": "so", "spa": "es", "sqi": "sq", "srd": "sc", "srp": "sr", "sun": "su",
    "swa": "sw", "swe": "sv", "tam": "ta", "tat": "tt", "tel": "te", "tgk": "tg",
    "tgl": "tl", "tha": "th", "tir": "ti", "tuk": "tk", "tur": "tr", "uig": "ug",
    "ukr": "uk", "urd": "ur", "uzb": "uz", "vie": "vi", "wln": "wa", "wol": "wo",
    "xho": "xh", "yid": "yi", "yor": "yo", "zho": "zh", "zlm": "ms", "zul": "zu",
    # ISO 639-2/B spellings some older data uses.
    "alb": "sq", "arm": "hy", "baq": "eu", "bur": "my", "chi": "zh", "cze": "cs",
    "dut": "nl", "fre": "fr", "geo": "ka", "ger": "de", "gre": "el", "ice": "is",
    "mac": "mk", "may": "ms", "per": "fa", "rum": "ro", "slo": "sk", "wel": "cy",
}
# Only plain "src-tgt" modes translate; "_variants", "eco-*", "-pre2017" and debug
# modes such as "cat-spa-tagger" do not match.
_MODE_NAME = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})$")

# The rules of Apertium's txt format (apertium-destxt / apertium-retxt, txt-format.xml).
_DEFORMAT_TOKEN = re.compile(
    r"(?P<paragraph>(?:\n\n|\r\n\r\n)+)"
    r"|(?P<blank>[ \n\t\r~]|\ue000\d+\ue001)"  # placeholders travel as superblanks
    r"|(?P<escape>[][\\/@<>^${}])"
    r"|(?P<text>[^][\\/@<>^${} \n\t\r~\ue000]+|.)",
    re.DOTALL,
)
_REFORMAT_TOKEN = re.compile(r"\[\\@|\.\[\]|\\[][\\/@<>^${}]|[][]")
_SENTENCE_END = ".[]"  # destxt's inserted full stop, which retxt removes again
_FRAME_END = b"\n]"  # every framed segment ends with a newline superblank


def iso_code(code: str) -> str:
    """Return the ISO 639-1 code for an Apertium language code when there is one."""
    return code if len(code) == 2 else ISO_639_1.get(code, code)


def mode_languages(mode: str) -> tuple[str, str] | None:
    """Return the (source, target) ISO codes of a translation mode, or None for variants."""
    match = _MODE_NAME.match(mode)
    if match is None:
        return None
    source, target = iso_code(match.group(1)), iso_code(match.group(2))
    return None if source == target else (source, target)


def deformat(text: str) -> str:
    """Turn plain text into stream format as apertium-destxt does, placeholders as blanks."""
    out: list[str] = []
    blank: list[str] = []
    sentence_end = False
    # NUL frames segments in null-flush mode, so it cannot travel inside one.
    for match in _DEFORMAT_TOKEN.finditer(text.replace("\0", "")):
        kind = match.lastgroup
        if kind == "paragraph":
            blank.append(match.group())
            sentence_end = True
        elif kind == "blank":
            blank.append(match.group())
        else:
            out.append(_superblank("".join(blank), sentence_end))
            blank.clear()
            sentence_end = False
            out.append("\\" + match.group() if kind == "escape" else match.group())
    out.append(_superblank("".join(blank), True))
    return "".join(out)


def _superblank(blank: str, sentence_end: bool) -> str:
    """Render buffered blanks as destxt does: a lone space stays, the rest becomes [..]."""
    prefix = _SENTENCE_END if sentence_end else ""
    if blank in ("", " "):
        return prefix + blank
    return f"{prefix}[{blank}]"


def reformat(stream: str) -> str:
    """Turn Apertium's stream format back into plain text exactly as apertium-retxt does."""
    return _REFORMAT_TOKEN.sub(_reformat_token, stream)


def _reformat_token(match: re.Match) -> str:
    """Return the plain text for one formatting token."""
    token = match.group()
    if token == "[\\@":
        return "@"
    if token.startswith("\\"):
        return token[1:]
    return ""  # superblank brackets and the inserted full stop


class ApertiumEngine(Engine):
    """Translate with the Apertium modes installed on this machine."""

    name = "apertium"

    def __init__(self, modes_dir: str | os.PathLike | None = None,
                 apertium_bin: str = "apertium", timeout: float = 30.0,
                 max_pipelines: int | None = None):
        self.apertium_bin = apertium_bin
        self.timeout = timeout
        # A warm pipeline holds 80-600 MB; a cap stops the least recently used ones.
        self.max_pipelines = max_pipelines
        self._modes_dir = Path(modes_dir) if modes_dir is not None else None
        self._lock = threading.Lock()  # guards the two caches below
        self._pairs: dict[tuple[str, str], Pair] | None = None
        self._pipelines: OrderedDict[str, Pipeline] = OrderedDict()  # least recent first

    # --- discovery ---------------------------------------------------------------------

    def available(self) -> bool:
        """Say whether the apertium program is installed."""
        return self._binary() is not None

    @property
    def modes_dir(self) -> Path:
        """Return the directory holding the installed .mode files."""
        if self._modes_dir is not None:
            return self._modes_dir
        if os.environ.get("APERTIUM_DATADIR"):
            return Path(os.environ["APERTIUM_DATADIR"]) / "modes"
        binary = self._binary()
        if binary is not None:
            # The data lives under the same prefix as the program (/usr, /usr/local, ...).
            prefixed = Path(binary).resolve().parent.parent / "share" / "apertium" / "modes"
            if prefixed.is_dir():
                return prefixed
        return Path("/usr/share/apertium/modes")

    def pairs(self) -> list[Pair]:
        """List the translation modes installed, in ISO 639-1 codes (cached)."""
        with self._lock:
            if self._pairs is None:
                self._pairs = self._discover() if self.available() else {}
            return sorted(self._pairs.values(), key=lambda pair: (pair.source, pair.target))

    def refresh(self) -> None:
        """Forget the cached pairs and stop pipelines, so new or upgraded modes are used."""
        with self._lock:
            self._pairs = None
        self._stop_pipelines()

    def mode_for(self, source: str, target: str) -> str:
        """Return the Apertium mode translating `source` to `target`."""
        for pair in self.pairs():
            if (pair.source, pair.target) == (source, target):
                return pair.detail
        raise EngineError(f"Apertium has no {source}-{target} mode installed")

    def _discover(self) -> dict[tuple[str, str], Pair]:
        """Read the modes directory into one Pair per language direction."""
        if not self.modes_dir.is_dir():
            return {}
        found: dict[tuple[str, str], Pair] = {}
        # When "fr-es" and "fra-spa" both exist, the three-letter one wins: Apertium renamed
        # pairs to ISO 639-3 as it modernised them. Then alphabetical, for determinism.
        for path in sorted(self.modes_dir.glob("*.mode"), key=lambda p: (-len(p.stem), p.stem)):
            languages = mode_languages(path.stem)
            if languages is not None and languages not in found:
                found[languages] = Pair(*languages, engine=self.name, detail=path.stem,
                                        size_bytes=_data_size(path))
        return found

    # --- translation -------------------------------------------------------------------

    def translate(self, segments: list[str], source: str, target: str) -> list[str]:
        """Translate `segments` through the pair's long-running pipeline."""
        mode = self.mode_for(source, target)
        outputs = list(segments)
        # Blank segments come back unchanged from apertium too; skip the round trip.
        todo = [index for index, segment in enumerate(segments) if segment.strip()]
        if not todo:
            return outputs
        blocks = [_encode(deformat(_frame(segments[index]))) for index in todo]
        for index, answer in zip(todo, self._run(mode, blocks), strict=True):
            outputs[index] = _strip_newline(reformat(_decode(answer, mode)))
        return outputs

    def translate_one_process_per_call(self, segments: list[str], source: str,
                                       target: str) -> list[str]:
        """Translate each segment with its own `apertium -u MODE` process (for comparison)."""
        mode = self.mode_for(source, target)
        datadir = str(self.modes_dir.parent)
        command = [self._binary() or self.apertium_bin, "-u", "-d", datadir, mode]
        return [self._run_once(command, segment, mode) for segment in segments]

    def pipeline_pids(self, source: str, target: str) -> list[int]:
        """Return the process ids of the pair's running pipeline (empty when not started)."""
        mode = self.mode_for(source, target)
        with self._lock:
            pipeline = self._pipelines.get(mode)
        return pipeline.pids() if pipeline is not None else []

    def close(self) -> None:
        """Stop every pipeline."""
        self._stop_pipelines()

    def _run(self, mode: str, blocks: list[bytes]) -> list[bytes]:
        """Exchange blocks with the mode's pipeline, restarting it when it has died."""
        while True:
            pipeline, evicted = self._pipeline(mode)
            _retire(evicted)
            with pipeline.lock:
                if pipeline.retired:
                    continue  # refresh() or close() dropped it while we waited: take the new one
                try:
                    return _exchange_with_restart(pipeline, blocks)
                except PipelineError as exc:
                    detail = pipeline.stderr_tail()
                    # Never leave a hung or half-read pipeline for the next batch.
                    pipeline.stop()
                    message = f"Apertium {mode}: {exc}" + (f": {detail}" if detail else "")
                    raise EngineError(message) from exc

    def _pipeline(self, mode: str) -> tuple[Pipeline, list[Pipeline]]:
        """Return the mode's pipeline (created, not started, on first use) and those evicted."""
        with self._lock:
            pipeline = self._pipelines.get(mode)
            if pipeline is None:
                pipeline = self._pipelines[mode] = self._new_pipeline(mode)
            self._pipelines.move_to_end(mode)
            evicted = []
            while self.max_pipelines and len(self._pipelines) > self.max_pipelines:
                evicted.append(self._pipelines.popitem(last=False)[1])
            return pipeline, evicted

    def _new_pipeline(self, mode: str) -> Pipeline:
        """Build the pipeline `apertium -u -z MODE` would run."""
        env = self._env()
        wblank_mode = shutil.which("apertium-wblank-mode", path=env["PATH"])
        script, null_flush = null_flush_script(self.modes_dir / f"{mode}.mode", wblank_mode)
        # -n is what `apertium -u` passes: generate without unknown-word marks.
        stages = parse_stages(script, generator_flag="-n", null_flush=null_flush)
        return Pipeline(stages, env, self.timeout)

    def _run_once(self, command: list[str], segment: str, mode: str) -> str:
        """Run one apertium process on one segment, the way `echo TEXT | apertium` does."""
        try:
            result = subprocess.run(command, input=_encode(_frame(segment)), capture_output=True,
                                    timeout=self.timeout, env=self._env())
        except subprocess.TimeoutExpired as exc:
            raise EngineError(f"Apertium {mode}: no answer within {self.timeout:g} s") from exc
        except OSError as exc:
            raise EngineError(f"cannot run apertium: {exc}") from exc
        if result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip()[-500:]
            raise EngineError(f"Apertium {mode} failed: {message}")
        return _strip_newline(_decode(result.stdout, mode))

    def _stop_pipelines(self) -> None:
        """Stop and forget every pipeline, waiting for batches in flight."""
        with self._lock:
            pipelines = list(self._pipelines.values())
            self._pipelines.clear()
        _retire(pipelines)

    def _binary(self) -> str | None:
        """Return the full path of the apertium program, if installed."""
        return shutil.which(self.apertium_bin)

    def _env(self) -> dict[str, str]:
        """Return the environment apertium gives its programs: a UTF-8 locale, its PATH."""
        env = dict(os.environ)
        env.pop("LC_ALL", None)  # would override LC_CTYPE
        env["LC_CTYPE"] = "C.UTF-8"
        binary = self._binary()
        if binary is not None:
            env["PATH"] = os.pathsep.join([str(Path(binary).parent), env.get("PATH", "")])
        return env


def _retire(pipelines: list[Pipeline]) -> None:
    """Stop pipelines for good, each after the batch it may be running."""
    for pipeline in pipelines:
        with pipeline.lock:
            pipeline.retire()


def _exchange_with_restart(pipeline: Pipeline, blocks: list[bytes]) -> list[bytes]:
    """Exchange blocks, starting the pipeline first if needed and once more if it died."""
    if not pipeline.alive():
        pipeline.start()
    try:
        return _checked_exchange(pipeline, blocks)
    except PipelineBroken:
        # It may have died between batches (killed, out of memory) without us noticing;
        # a second death on a fresh pipeline means this input kills it, and is raised.
        pipeline.start()
        return _checked_exchange(pipeline, blocks)


def _checked_exchange(pipeline: Pipeline, blocks: list[bytes]) -> list[bytes]:
    """Exchange blocks and make sure every answer is complete."""
    answers = pipeline.exchange(blocks)
    # When a program dies, the ones after it flush what they hold and a NUL at EOF, which
    # looks like an answer. A real answer always ends with the newline superblank that
    # `_frame` puts at the end of every segment.
    if not all(answer.endswith(_FRAME_END) for answer in answers):
        raise PipelineBroken("pipeline returned a cut-off answer")
    return answers


def _data_size(mode_file: Path) -> int | None:
    """Return the total size of the data files a mode uses."""
    try:
        tokens = shlex.split(mode_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = {Path(token) for token in tokens if token.startswith("/")}
    return sum(path.stat().st_size for path in files if path.is_file())


def _encode(text: str) -> bytes:
    """Encode text for the pipeline, refusing what UTF-8 cannot carry."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise EngineError(f"segment is not valid Unicode: {exc}") from exc


def _decode(data: bytes, mode: str) -> str:
    """Decode pipeline output."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EngineError(f"Apertium {mode} returned invalid UTF-8: {exc}") from exc


def _frame(segment: str) -> str:
    """Return the segment as `echo TEXT | apertium -u` would feed it to apertium-destxt."""
    # The command line always starts a fresh stream, whose first program drops a leading
    # byte-order mark; a long-running pipeline would drop it only for its first segment.
    return segment.removeprefix("\ufeff") + "\n"


def _strip_newline(text: str) -> str:
    """Drop the newline that framed the segment like `echo` does."""
    return text[:-1] if text.endswith("\n") else text
