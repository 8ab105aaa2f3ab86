"""Argos packages on disk: read what is installed, check archives, swap folders in and out.

Nothing here imports argostranslate, so web processes can list pairs cheaply.
"""
from __future__ import annotations

import json
import os
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import cast

_LANGUAGE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
_REQUIRED_FILES = ("metadata.json", "sentencepiece.model", "model/model.bin")
# What zipfile raises for damaged member data, which it only notices while extracting.
DAMAGED_ARCHIVE_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError)


class ArgosPackageError(ValueError):
    """An .argosmodel file cannot be installed; the message says why."""


@dataclass(frozen=True)
class InstalledPackage:
    """A folder of the packages dir holding a translate package."""

    path: Path
    source: str
    target: str
    version: str
    stamp: int  # metadata.json's mtime_ns, which changes whenever the folder is reinstalled


@dataclass(frozen=True)
class PackageArchive:
    """An .argosmodel file that passed inspection."""

    path: Path
    folder: str
    source: str
    target: str
    version: str
    size_bytes: int  # once extracted


def installed_packages(packages_dir: Path) -> list[InstalledPackage]:
    """List the translate packages in `packages_dir`, skipping folders that are not one."""
    if not packages_dir.is_dir():
        return []
    found = (_read_installed(folder) for folder in sorted(packages_dir.iterdir()))
    return [package for package in found if package is not None]


def inspect_archive(path: Path) -> PackageArchive:
    """Check that `path` is an installable translate package, without extracting it."""
    try:
        return _inspect(path)
    except ArgosPackageError as exc:
        raise ArgosPackageError(f"{path.name}: {exc}") from None


def swap_in(staged: Path, destination: Path, replaced: list[Path], trash: Path) -> None:
    """Move `staged` to `destination` once `replaced` folders are in `trash`; undo on failure."""
    moved: list[tuple[Path, Path]] = []
    try:
        for number, folder in enumerate(replaced):
            aside = trash / f"{number}-{folder.name}"
            folder.rename(aside)
            moved.append((aside, folder))
        staged.rename(destination)
    except OSError:
        for aside, folder in reversed(moved):
            aside.rename(folder)
        raise


def tree_size(folder: Path) -> int:
    """Return the bytes taken by the files under `folder`."""
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except FileNotFoundError:  # removed or renamed while we count
                pass
    return total


def _read_installed(folder: Path) -> InstalledPackage | None:
    metadata_path = folder / "metadata.json"
    try:
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
        stamp = metadata_path.stat().st_mtime_ns
        source, target = _translate_codes(metadata)
    except (OSError, ValueError):  # not a package folder, or one argostranslate cannot use
        return None
    return InstalledPackage(folder, source, target, _version(metadata), stamp)


def _inspect(path: Path) -> PackageArchive:
    if not path.is_file():
        raise ArgosPackageError("no such file")
    if not zipfile.is_zipfile(path):
        raise ArgosPackageError("not a zip archive, so not an .argosmodel package")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir()]
            folder = _top_folder([info.filename for info in archive.infolist()])
            metadata = _archive_metadata(archive, folder)
    except DAMAGED_ARCHIVE_ERRORS as exc:
        raise ArgosPackageError(f"damaged archive ({exc})") from exc
    source, target = _translate_codes(metadata)
    names = {info.filename for info in infos}
    missing = [name for name in _REQUIRED_FILES if f"{folder}/{name}" not in names]
    if missing:
        raise ArgosPackageError(f"missing {', '.join(missing)} in {folder}/")
    size = sum(info.file_size for info in infos)
    # `_translate_codes` accepted the metadata, so it is a dict.
    return PackageArchive(path, folder, source, target, _version(cast(dict, metadata)), size)


def _top_folder(names: list[str]) -> str:
    folders = {name.split("/", 1)[0] for name in names}
    if len(folders) != 1 or not all("/" in name for name in names):
        raise ArgosPackageError("must hold exactly one top folder, with everything inside it")
    folder = folders.pop()
    unsafe = any(part in ("", ".", "..") for name in names for part in name.rstrip("/").split("/"))
    if unsafe or "\\" in folder:
        raise ArgosPackageError("holds unsafe file names")
    return folder


def _archive_metadata(archive: zipfile.ZipFile, folder: str) -> object:
    try:
        raw = archive.read(f"{folder}/metadata.json")
    except KeyError:
        raise ArgosPackageError(f"no metadata.json in {folder}/") from None
    try:
        return json.loads(raw.decode("utf-8"))
    except ValueError as exc:
        raise ArgosPackageError(f"metadata.json is not valid JSON ({exc})") from None


def _translate_codes(metadata: object) -> tuple[str, str]:
    if not isinstance(metadata, dict):
        raise ArgosPackageError("metadata.json must hold a JSON object")
    kind = metadata.get("type", "translate")  # argostranslate's own default
    if kind != "translate":
        raise ArgosPackageError(f"package type is {kind!r}; only 'translate' packages translate")
    codes = metadata.get("from_code"), metadata.get("to_code")
    if not all(isinstance(code, str) and _LANGUAGE_CODE.match(code) for code in codes):
        raise ArgosPackageError(
            f"metadata.json needs language codes in from_code and to_code, got {codes}")
    if codes[0] == codes[1]:
        raise ArgosPackageError(f"from_code and to_code are both {codes[0]!r}")
    return cast(tuple[str, str], codes)  # both were checked to be strings above


def _version(metadata: dict) -> str:
    return str(metadata.get("package_version", ""))
