"""Identify the language a text is written in, offline, among the instance's languages.

Lingua ships its models inside the wheel, so identification never touches the network.
Its low-accuracy mode (trigrams only) costs ~12 MB per process instead of ~150 MB and is
reliable on the paragraph-length texts we check; very short texts are not checked at all.
"""
from __future__ import annotations

import threading
from functools import lru_cache

MIN_LETTERS = 25  # below this, identification is guesswork
CONFIDENT = 0.6
_lock = threading.Lock()


@lru_cache(maxsize=8)
def _detector(languages: tuple[str, ...]):
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    known = []
    for code in languages:
        try:
            known.append(Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())))
        except (AttributeError, ValueError):
            continue  # a language lingua does not know is simply never suggested
    if len(known) < 2:
        return None
    return LanguageDetectorBuilder.from_languages(*known).with_low_accuracy_mode().build()


def identify(text: str, languages: list[str]) -> tuple[str, float] | None:
    """Return the most likely language of `text` among `languages`, with its confidence."""
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return None
    with _lock:
        detector = _detector(tuple(sorted(languages)))
    if detector is None:
        return None
    values = detector.compute_language_confidence_values(text)
    if not values:
        return None
    best = values[0]
    return best.language.iso_code_639_1.name.lower(), best.value


def mismatch(text: str, declared: str, languages: list[str]) -> str | None:
    """Return the language `text` seems to be in when it is confidently not `declared`."""
    found = identify(text, languages)
    if found is None:
        return None
    code, confidence = found
    return code if code != declared and confidence >= CONFIDENT else None
