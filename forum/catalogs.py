"""Interface catalogs: extract, keep English complete, and check every catalog.

    python -m forum.catalogs extract   # refresh translations/messages.pot and every .po
    python -m forum.catalogs check     # untranslated, fuzzy, stale, broken placeholders

English is the source language: its catalog repeats each message, so "100 % translated"
holds for it like for any other language and a wording fix needs no code change.
"""
from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.checkers import python_format
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
SOURCE_LANGUAGE = "en"


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=ROOT,
                   check=True, capture_output=True)


def extract(target: Path = TEMPLATE) -> Path:
    """Extract every marked string of the code and templates into a .pot template."""
    _pybabel("extract", "-F", str(TRANSLATIONS / "babel.cfg"), "-k", "_l", "-k",
             "lazy_gettext", "--sort-output", "--no-location", "--omit-header",
             "-o", str(target), ".")
    return target


def update() -> None:
    """Refresh the template, merge it into every catalog, and complete English."""
    extract()
    _pybabel("update", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "--no-fuzzy-matching",
             "--ignore-obsolete")
    fill_source_language()


def fill_source_language() -> None:
    """Make the English catalog say each message as written in the code."""
    path = catalog_path(SOURCE_LANGUAGE)
    with open(path, "rb") as file:
        catalog = read_po(file, locale=SOURCE_LANGUAGE)
    for message in catalog:
        if message.id:
            message.string = message.id
            message.flags.discard("fuzzy")
    with open(path, "wb") as file:
        write_po(file, catalog, width=88, omit_header=False, ignore_obsolete=True)


def catalog_path(language: str) -> Path:
    """Return the .po file of one language."""
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def languages() -> list[str]:
    """List the languages that have a catalog."""
    return sorted(p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


@dataclass
class Report:
    """What is wrong with one catalog."""

    language: str
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    obsolete: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.untranslated or self.fuzzy or self.missing or self.obsolete
                    or self.placeholders)


def check(language: str, expected_ids: set) -> Report:
    """Check one catalog against the messages the code uses now."""
    with open(catalog_path(language), "rb") as file:
        catalog = read_po(file, locale=language)
    report = Report(language)
    present = set()
    for message in catalog:
        if not message.id:
            continue
        present.add(message.id)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            report.untranslated.append(_label(message.id))
        if message.fuzzy:
            report.fuzzy.append(_label(message.id))
        try:
            python_format(catalog, message)
        except Exception as error:  # noqa: BLE001 - babel raises TranslationError
            report.placeholders.append(f"{_label(message.id)}: {error}")
    report.missing = sorted(_label(i) for i in expected_ids - present)
    report.obsolete = sorted(_label(i) for i in present - expected_ids)
    return report


def template_ids(template: Path) -> set:
    """Return the message ids of a .pot template."""
    with open(template, "rb") as file:
        return {message.id for message in read_po(file) if message.id}


def _label(message_id) -> str:
    return message_id[0] if isinstance(message_id, tuple) else message_id


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "extract":
        update()
    else:
        ids = template_ids(extract(Path("/tmp") / "forum-messages-check.pot"))
        failed = [r for r in (check(lang, ids) for lang in languages()) if not r.ok]
        for report in failed:
            print(report)
        sys.exit(1 if failed else 0)
