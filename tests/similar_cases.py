"""The paraphrase test set of similar-proposal search, and the figures it yields.

Shared by tests/test_similar.py and bench/similar_proposals.py: publish the originals of
tests/data/similar_proposals.toml, let the real translation worker fill the search index,
then look for each draft and count where its original lands.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

import factories as make
from forum.search.similar import LIMIT, similar_proposals

DATA = Path(__file__).resolve().parent / "data" / "similar_proposals.toml"


@dataclass
class Figures:
    """How the search did on the test set."""

    pairs: int = 0
    in_top: int = 0                 # originals among the first LIMIT results
    at_rank_1: int = 0
    flagged_pairs: int = 0          # originals scoring at or above the threshold
    misses: list[str] = field(default_factory=list)
    unrelated: int = 0
    flagged_unrelated: list[str] = field(default_factory=list)
    max_unrelated: float = 0.0
    max_unrelated_draft: str = ""
    threshold: float = 0.0

    @property
    def recall(self) -> float:
        return self.in_top / self.pairs if self.pairs else 0.0

    def report(self) -> str:
        """Say the figures in a few lines, for a test's output or the bench."""
        lines = [f"pairs: {self.pairs}; original in the top {LIMIT}: {self.in_top} "
                 f"(recall@{LIMIT} {self.recall:.0%}); at rank 1: {self.at_rank_1}; "
                 f"flagged (score >= {self.threshold}): {self.flagged_pairs}",
                 f"unrelated drafts: {self.unrelated}; flagged: {len(self.flagged_unrelated)}; "
                 f"highest score {self.max_unrelated:.3f} ({self.max_unrelated_draft})"]
        lines += [f"  missed: {m}" for m in self.misses]
        lines += [f"  flagged unrelated: {f}" for f in self.flagged_unrelated]
        return "\n".join(lines)


def cases() -> dict:
    """Read the test set: `pair` (original, draft) and `unrelated` drafts."""
    with DATA.open("rb") as file:
        return tomllib.load(file)


def publish_originals(test_set: dict) -> list[int]:
    """Publish each pair's original through the proposal service; return their ids."""
    topic = make.topic("Everyday life")
    authors = {language: make.user(f"author-{language}", language=language)
               for language in current_app.config["LANGUAGES"]}
    return [make.proposal(authors[o["language"]], topic, o["title"], o["body"],
                          o["language"]).id
            for o in (pair["original"] for pair in test_set["pair"])]


def measure(test_set: dict, originals: list[int]) -> Figures:
    """Look for every draft of the test set; count where originals and strangers land."""
    figures = Figures(threshold=current_app.config["SIMILAR_THRESHOLD"])
    for pair, original in zip(test_set["pair"], originals, strict=True):
        _count_pair(figures, pair, original)
    for draft in test_set["unrelated"]:
        _count_unrelated(figures, draft)
    return figures


def _found(draft: dict):
    return similar_proposals(draft["title"], draft["body"], draft["language"],
                             reader=draft["language"])


def _count_pair(figures: Figures, pair: dict, original: int) -> None:
    found = _found(pair["draft"])
    ids = [s.proposal.id for s in found]
    figures.pairs += 1
    label = f"{pair['draft']['language']} draft {pair['draft']['title']!r} → " \
            f"{pair['original']['language']} {pair['original']['title']!r}"
    if original not in ids:
        figures.misses.append(f"{label}: got {[(s.title.plain, round(s.score, 3)) for s in found]}")
        return
    figures.in_top += 1
    figures.at_rank_1 += ids[0] == original
    figures.flagged_pairs += found[ids.index(original)].flagged


def _count_unrelated(figures: Figures, draft: dict) -> None:
    found = _found(draft)
    figures.unrelated += 1
    if found and found[0].score > figures.max_unrelated:
        figures.max_unrelated = found[0].score
        figures.max_unrelated_draft = f"{draft['title']!r} ~ {found[0].title.plain!r}"
    if any(s.flagged for s in found):
        figures.flagged_unrelated.append(
            f"{draft['title']!r} ~ {[(s.title.plain, round(s.score, 3)) for s in found]}")
