"""Match the instance glossary in texts: what the worker protects from every engine.

Rules, the same for Apertium and Argos: a term matches as whole words (no letter or digit
right before or after it), any run of spaces in the term matches any run of spaces in the
text, and case is ignored unless the term is marked case-sensitive. Where terms could
match at the same place, the longest wins. A "keep" term leaves the text as it was written;
a "fixed" term is replaced by its rendering for the target language (kept as written when
it has none for that language, e.g. a language added after the term).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

KEEP = "keep"
FIXED = "fixed"


@dataclass(frozen=True)
class Entry:
    """A glossary term as the worker uses it, detached from the database."""

    term: str
    language: str | None  # None: texts in any language
    kind: str
    case_sensitive: bool = False
    renderings: tuple[tuple[str, str], ...] = ()

    def rendering(self, target: str) -> str | None:
        """Return the fixed rendering for `target`, or None to keep the text as written."""
        return dict(self.renderings).get(target) if self.kind == FIXED else None


def term_pattern(term: str) -> str:
    """Return the regular expression of one term, as whole words with flexible spaces."""
    words = (re.escape(word) for word in term.split())
    return r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)"


class Rules:
    """The glossary terms that apply from one source language into one target language."""

    def __init__(self, entries: Iterable[Entry], source: str, target: str):
        self.target = target
        chosen = sorted((e for e in entries if e.language in (None, source) and e.term.strip()),
                        key=lambda e: len(e.term), reverse=True)
        self._entries = chosen
        # One named group per term, longest first, so the longest match at a place wins.
        self._pattern = re.compile("|".join(
            _alternative(i, e) for i, e in enumerate(chosen))) if chosen else None

    def split(self, text: str) -> list[tuple[str, str | None]]:
        """Cut `text` into (piece, replacement) pairs; replacement is None for prose."""
        if self._pattern is None:
            return [(text, None)]
        parts: list[tuple[str, str | None]] = []
        position = 0
        for match in self._pattern.finditer(text):
            if match.start() > position:
                parts.append((text[position:match.start()], None))
            entry = self._entries[int(match.lastgroup[1:])] if match.lastgroup else None
            rendering = entry.rendering(self.target) if entry else None
            parts.append((match.group(), rendering if rendering is not None else match.group()))
            position = match.end()
        if position < len(text):
            parts.append((text[position:], None))
        return parts


def _alternative(index: int, entry: Entry) -> str:
    pattern = term_pattern(entry.term)
    return f"(?P<t{index}>{pattern if entry.case_sensitive else f'(?i:{pattern})'})"


NO_RULES = Rules((), "", "")


def contains_term(text: str, term: str, case_sensitive: bool = False) -> bool:
    """Say whether `text` contains `term` as the glossary matches it."""
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.search(term_pattern(term), text, flags) is not None
