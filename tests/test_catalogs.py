"""Every interface string is marked for translation, and every catalog is complete."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from forum import catalogs

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "forum" / "templates"
JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
LETTERS = re.compile(r"[^\W\d_]{2,}")
PATHLIKE = re.compile(r"\S*[/.<]\S*")  # addresses and file names are not prose
VISIBLE_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "label"}


class VisibleText(HTMLParser):
    """Collect text a person would see in a template, outside Jinja expressions."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value and _prose(value):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and _prose(data):
            self.found.append(data.strip())


def _prose(text: str) -> bool:
    return bool(LETTERS.search(PATHLIKE.sub(" ", text)))


def unmarked_in_template(path: Path) -> list[str]:
    source = JINJA.sub(" ", path.read_text())
    if path.suffix == ".txt":
        return [line.strip() for line in source.splitlines() if _prose(line)]
    parser = VisibleText()
    parser.feed(source)
    return parser.found


def test_templates_show_no_unmarked_text():
    found = {str(p.relative_to(TEMPLATES)): unmarked_in_template(p)
             for p in sorted(TEMPLATES.rglob("*")) if p.suffix in (".html", ".txt")}

    assert {name: texts for name, texts in found.items() if texts} == {}


# Calls whose first argument people read: it must be _(), lazy_gettext() or a variable.
SHOWN = {"flash", "ValidationError", "ContentError", "AccountError", "error_response",
         "_fail", "abort"}
FIELDS = {"StringField", "TextAreaField", "PasswordField", "BooleanField", "SelectField",
          "RadioField", "EmailField", "DateField", "IntegerField", "HiddenField",
          "SubmitField", "SelectMultipleField", "FileField"}


def unmarked_in_python(path: Path) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        texts = []
        if name in SHOWN:
            texts = [a for a in node.args
                     if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            texts = [t for t in texts if name != "ContentError" or t is not node.args[0]]
            texts = [t for t in texts if name != "AccountError" or t is not node.args[0]]
        elif name in FIELDS and node.args:
            texts = [node.args[0]] if isinstance(node.args[0], ast.Constant) else []
        for keyword in node.keywords:
            if keyword.arg in ("description", "message", "label") and \
                    isinstance(keyword.value, ast.Constant) and \
                    isinstance(keyword.value.value, str):
                texts.append(keyword.value)
        problems += [f"{path.name}:{t.lineno}: {t.value!r}" for t in texts
                     if isinstance(t.value, str) and LETTERS.search(t.value)
                     and not _internal_code(name, t.value)]
    return problems


def _internal_code(call: str, value: str) -> bool:
    # Machine-readable codes (a field name, an error code, a translatable model's field
    # such as description="markdown:description_source") are not read by people.
    return bool(re.fullmatch(r"[a-z_]+", value)) or call in ("abort",) and value.isdigit() \
        or call == "translatable" and bool(re.fullmatch(r"(markdown:)?[a-z_]+", value))


def test_python_shows_no_unmarked_text():
    problems = [p for path in sorted((ROOT / "forum").rglob("*.py"))
                for p in unmarked_in_python(path)]

    assert problems == []


@pytest.fixture(scope="module")
def expected_ids(tmp_path_factory):
    return catalogs.template_ids(catalogs.extract(tmp_path_factory.mktemp("pot") / "fresh.pot"))


@pytest.mark.parametrize("language", catalogs.languages())
def test_every_catalog_is_complete_and_current(language, expected_ids):
    report = catalogs.check(language, expected_ids)

    assert report.ok, report


def test_the_committed_template_is_current(expected_ids):
    assert catalogs.template_ids(catalogs.TEMPLATE) == expected_ids


def test_every_catalog_compiles(tmp_path):
    import shutil

    shutil.copytree(catalogs.TRANSLATIONS, tmp_path / "translations")
    result = subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile",
                             "--statistics", "-d", str(tmp_path / "translations")],
                            capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr.lower()
