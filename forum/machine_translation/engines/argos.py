"""Argos Translate engine: neural models from installed .argosmodel packages.

Importing argostranslate pulls in torch (about 2 s and 330 MB), so this module never
imports it at module level; only `install` and `translate` do, in worker or CLI processes.
Listing pairs reads each package's metadata.json instead.
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .argos_package import (
    DAMAGED_ARCHIVE_ERRORS,
    ArgosPackageError,
    InstalledPackage,
    PackageArchive,
    inspect_archive,
    installed_packages,
    swap_in,
    tree_size,
)
from .base import PLACEHOLDER_RE, Engine, EngineError, Pair

__all__ = ["ArgosEngine", "ArgosPackageError"]

Progress = Callable[[int, int], None]

# argostranslate keeps its configuration in module globals shared by the whole process;
# installs repoint them for a while, so every change to them holds this lock.
_ARGOS_LOCK = threading.RLock()
_LINE = re.compile(r"(\s*)(.*?)(\s*)", re.DOTALL)


class ArgosEngine(Engine):
    """Translate with the Argos Translate packages installed in one folder."""

    name = "argos"

    def __init__(
        self, packages_dir: str | Path, max_loaded_models: int = 4, intra_threads: int = 1
    ):
        if max_loaded_models < 1:
            raise ValueError("max_loaded_models must be at least 1")
        self.packages_dir = Path(packages_dir).resolve()
        # argostranslate's data, config and caches live beside the packages, never in $HOME.
        self.runtime_dir = self.packages_dir.with_name(f"{self.packages_dir.name}-runtime")
        self.max_loaded_models = max_loaded_models
        self.intra_threads = intra_threads
        self._models: OrderedDict[tuple[str, str], _LoadedModel] = OrderedDict()
        self._lock = threading.Lock()

    def available(self) -> bool:
        """Say whether argostranslate and CTranslate2 are installed, without importing them."""
        return all(importlib.util.find_spec(name) for name in ("argostranslate", "ctranslate2"))

    def pairs(self) -> list[Pair]:
        """List the installed pairs from their metadata.json files."""
        # The detail names the pair: it becomes part of the chain stored with translations.
        return [Pair(package.source, package.target, self.name,
                     f"{package.source}-{package.target} v{package.version}",
                     tree_size(package.path)) for package in self._packages().values()]

    def loaded_pairs(self) -> list[tuple[str, str]]:
        """List the pairs whose models are in memory, least recently used first."""
        with self._lock:
            return list(self._models)

    def install(self, path: str | Path, progress: Progress | None = None) -> list[Pair]:
        """Install the .argosmodel at `path`, replacing the installed package of its pair.

        `progress(done_bytes, total_bytes)` is called as the package is extracted.
        """
        archive = inspect_archive(Path(path))
        self.packages_dir.mkdir(parents=True, exist_ok=True)
        with _ARGOS_LOCK, self._staging() as staging, self._staging() as trash:
            replaced = self._folders_replaced_by(archive)
            self._extract(archive, staging, progress)
            swap_in(staging / archive.folder, self.packages_dir / archive.folder, replaced, trash)
        self._forget(archive.source, archive.target)
        pair = (archive.source, archive.target)
        return [each for each in self.pairs() if (each.source, each.target) == pair]

    def remove(self, source: str, target: str) -> bool:
        """Uninstall the package of a pair; say whether there was one."""
        with _ARGOS_LOCK:
            folders = [package.path for package in installed_packages(self.packages_dir)
                       if (package.source, package.target) == (source, target)]
            if folders:
                with self._staging() as trash:
                    for number, folder in enumerate(folders):
                        # One rename takes it out of every listing at once.
                        folder.rename(trash / f"{number}-{folder.name}")
        self._forget(source, target)
        return bool(folders)

    def translate(self, segments: list[str], source: str, target: str) -> list[str]:
        """Translate `segments` with one CTranslate2 batch, keeping placeholders in place."""
        package = self._package(source, target)
        texts: dict[str, int] = {}
        templates = [_template(segment, texts) for segment in segments]
        if not texts:
            return [_fill(template, []) for template in templates]
        model = self._model(package)
        try:
            translated = model.translate(list(texts))
        except Exception as exc:
            raise EngineError(f"Argos {source}->{target} failed: {exc}") from exc
        return [_fill(template, translated) for template in templates]

    def translate_one_by_one(self, segments: list[str], source: str, target: str) -> list[str]:
        """Translate like `translate` but with one model call per segment, for benchmarks."""
        return [self.translate([segment], source, target)[0] for segment in segments]

    def close(self) -> None:
        """Drop the models held in memory."""
        with self._lock:
            self._models.clear()

    def _packages(self) -> dict[tuple[str, str], InstalledPackage]:
        packages: dict[tuple[str, str], InstalledPackage] = {}
        for package in installed_packages(self.packages_dir):
            packages.setdefault((package.source, package.target), package)
        return packages

    def _package(self, source: str, target: str) -> InstalledPackage:
        package = self._packages().get((source, target))
        if package is None:
            raise EngineError(
                f"no Argos package for {source}->{target} is installed in {self.packages_dir}")
        return package

    def _model(self, package: InstalledPackage) -> _LoadedModel:
        key = (package.source, package.target)
        with self._lock:
            model = self._models.get(key)
            if model is None or model.package != package:  # never loaded, or reinstalled since
                model = self._models[key] = self._load(package)
            self._models.move_to_end(key)
            while len(self._models) > self.max_loaded_models:
                self._models.popitem(last=False)
            return model

    def _load(self, package: InstalledPackage) -> _LoadedModel:
        try:
            return _LoadedModel(package, self._argos(), self.intra_threads)
        except Exception as exc:
            pair = f"{package.source}->{package.target}"
            raise EngineError(f"cannot load the Argos {pair} model: {exc}") from exc

    def _argos(self):
        return _import_argos(self.packages_dir, self.runtime_dir, self.intra_threads)

    def _folders_replaced_by(self, archive: PackageArchive) -> list[Path]:
        pair = (archive.source, archive.target)
        installed = installed_packages(self.packages_dir)
        destination = self.packages_dir / archive.folder
        for package in installed:
            if package.path == destination and (package.source, package.target) != pair:
                raise ArgosPackageError(
                    f"{archive.path.name}: folder {archive.folder} already holds the "
                    f"{package.source}->{package.target} package"
                )
        replaced = [package.path for package in installed
                    if (package.source, package.target) == pair]
        if destination.exists() and destination not in replaced:
            replaced.append(destination)  # a leftover that is not a package
        return replaced

    def _extract(self, archive: PackageArchive, staging: Path, progress: Progress | None) -> None:
        """Run argostranslate's own installer, pointed at `staging` instead of the packages."""
        argos_package, settings, _ = self._argos()
        settings.package_data_dir = staging
        try:
            _report_while(lambda: argos_package.install_from_path(archive.path), staging,
                          archive.size_bytes, progress)
        except DAMAGED_ARCHIVE_ERRORS as exc:
            raise ArgosPackageError(f"{archive.path.name}: damaged archive ({exc})") from exc
        finally:
            settings.package_data_dir = self.packages_dir

    @contextmanager
    def _staging(self) -> Iterator[Path]:
        """Yield an empty folder on the packages' disk, so renames are atomic; remove it after."""
        root = self.runtime_dir / "staging"
        root.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(dir=root))
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _forget(self, source: str, target: str) -> None:
        with self._lock:
            self._models.pop((source, target), None)
        translate = sys.modules.get("argostranslate.translate")
        if translate is not None:  # it caches translations per pair for the whole process
            translate.installed_translates.clear()
            translate.get_installed_languages.cache_clear()


class _LoadedModel:
    """One package's argostranslate translation, with its CTranslate2 model in memory."""

    def __init__(self, package: InstalledPackage, argos, intra_threads: int):
        import ctranslate2

        argos_package, settings, argos_translate = argos
        pkg = argos_package.Package(package.path)
        languages = (argos_translate.Language(pkg.from_code, pkg.from_name),
                     argos_translate.Language(pkg.to_code, pkg.to_name))
        self.translation = argos_translate.PackageTranslation(*languages, pkg)
        _require_offline_splitter(self.translation.sentencizer, package.path)
        # PackageTranslation would build this on first use with the process-wide thread count.
        self.translation.translator = ctranslate2.Translator(
            str(pkg.package_path / "model"),
            device=settings.device,
            inter_threads=settings.inter_threads,
            intra_threads=intra_threads,
            compute_type=settings.compute_type,
        )
        self.package = package
        self._settings = settings

    def translate(self, texts: list[str]) -> list[str]:
        """Translate single-line texts, all their sentences in one translate_batch call."""
        pkg = self.translation.pkg
        splitter = self.translation.sentencizer
        sentences = [splitter.split_sentences(text) or [text] for text in texts]
        batch = [pkg.tokenizer.encode(sentence) for group in sentences for sentence in group]
        hypotheses = iter(self._translate_batch(batch))
        return [self._decode([next(hypotheses) for _ in group]) for group in sentences]

    def _translate_batch(self, batch: list[list[str]]) -> list[list[str]]:
        # The options of argostranslate's apply_packaged_translation, for one hypothesis.
        prefix = self.translation.pkg.target_prefix
        results = self.translation.translator.translate_batch(
            batch,
            target_prefix=[[prefix]] * len(batch) if prefix else None,
            replace_unknowns=True,
            max_batch_size=self._settings.batch_size,
            batch_type="tokens",
            beam_size=max(1, self._settings.beam_size),
            num_hypotheses=1,
            length_penalty=0.2,
            # CTranslate2's defaults would silently cut sentences past 1024/256 tokens.
            max_input_length=0,
            max_decoding_length=max(256, 2 * max(map(len, batch)) + 16),
        )
        return [result.hypotheses[0] for result in results]

    def _decode(self, hypotheses: list[list[str]]) -> str:
        prefix = self.translation.pkg.target_prefix
        if prefix:  # CTranslate2 returns it at the start of every sentence
            hypotheses = [h[1:] if h[:1] == [prefix] else h for h in hypotheses]
        tokens = [token for hypothesis in hypotheses for token in hypothesis]
        text = self.translation.pkg.tokenizer.decode(tokens)
        return text[1:] if text.startswith(" ") else text  # SentencePiece's leading "▁"


def _require_offline_splitter(sentencizer, package_path: Path) -> None:
    """Refuse a MiniSBD splitter that would download its model: workers never go online."""
    from minisbd import models

    if os.path.isfile(sentencizer.lang):  # the package's own minisbd/*.onnx
        return
    cached = Path(models.cache_dir) / f"{sentencizer.lang}.onnx"
    if not cached.is_file():
        raise RuntimeError(
            f"the package has no minisbd/*.onnx sentence model; put MiniSBD's {cached.name} "
            f"in {package_path / 'minisbd'} or {cached.parent}")


def _import_argos(packages_dir: Path, runtime_dir: Path, intra_threads: int):
    """Import argostranslate set up for `packages_dir`, even when it was imported before."""
    if "argostranslate.settings" not in sys.modules:  # it reads the environment at import
        os.environ.update(_environment(packages_dir, runtime_dir, intra_threads))
        os.environ.setdefault("ARGOS_DEVICE_TYPE", "cpu")
    from argostranslate import package, settings, translate

    with _ARGOS_LOCK:
        settings.package_data_dir = packages_dir
        settings.package_dirs = [packages_dir]
        # The default picks Stanza when a path contains "stanza"; Stanza always goes online.
        settings.chunk_type = settings.ChunkType.MINISBD
    return package, settings, translate


def _environment(packages_dir: Path, runtime_dir: Path, intra_threads: int) -> dict[str, str]:
    return {
        "ARGOS_PACKAGES_DIR": str(packages_dir),
        "XDG_DATA_HOME": str(runtime_dir / "data"),
        "XDG_CONFIG_HOME": str(runtime_dir / "config"),
        "XDG_CACHE_HOME": str(runtime_dir / "cache"),
        "ARGOS_CHUNK_TYPE": "MINISBD",  # never NONE (breaks translation) nor SPACY/STANZA (online)
        "ARGOS_INTRA_THREADS": str(intra_threads),  # the default is 5-7x slower on small machines
        "ORT_DISABLE_TELEMETRY": "1",  # onnxruntime (MiniSBD) otherwise phones home
    }


def _report_while(
    work: Callable[[], None], folder: Path, total: int, progress: Progress | None
) -> None:
    """Run `work`, calling `progress` with the bytes written to `folder` meanwhile."""
    if progress is None:
        work()
        return
    failures: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # re-raised in the caller's thread below
            failures.append(exc)

    progress(0, total)
    worker = threading.Thread(target=run, name="argos-install", daemon=True)
    worker.start()
    worker.join(0.1)
    while worker.is_alive():
        progress(min(tree_size(folder), total), total)
        worker.join(0.1)
    if failures:
        raise failures[0]
    progress(total, total)


def _template(segment: str, texts: dict[str, int]) -> list[str | int]:
    """Split `segment` into literal parts and indexes into `texts`, the texts to translate."""
    parts: list[str | int] = []
    start = 0
    for match in PLACEHOLDER_RE.finditer(segment):
        _add_run(segment[start : match.start()], parts, texts)
        parts.append(match.group())
        start = match.end()
    _add_run(segment[start:], parts, texts)
    return parts


def _add_run(run: str, parts: list[str | int], texts: dict[str, int]) -> None:
    # Lines and their outer whitespace stay as they are; only text with letters goes out.
    for number, line in enumerate(run.split("\n")):
        if number:
            parts.append("\n")
        match = _LINE.fullmatch(line)
        assert match is not None  # the pattern matches any string
        lead, core, trail = match.groups()
        if any(char.isalpha() for char in core):
            parts.extend((lead, texts.setdefault(core, len(texts)), trail))
        else:
            parts.append(line)


def _fill(template: list[str | int], translated: list[str]) -> str:
    return "".join(part if isinstance(part, str) else translated[part] for part in template)
