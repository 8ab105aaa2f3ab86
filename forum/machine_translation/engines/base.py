"""The small interface every machine-translation engine implements."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Protected spans (code, URLs, @mentions) travel through engines as placeholders made of
# private-use characters, which no engine translates and no user types.
PLACEHOLDER_OPEN = "\ue000"
PLACEHOLDER_CLOSE = "\ue001"
PLACEHOLDER_RE = re.compile("\ue000(\\d+)\ue001")


def placeholder(index: int) -> str:
    """Return the placeholder token standing for protected span number `index`."""
    return f"{PLACEHOLDER_OPEN}{index}{PLACEHOLDER_CLOSE}"


class EngineError(Exception):
    """An engine could not translate a batch (the job fails and is retried)."""


@dataclass(frozen=True)
class Pair:
    """A direct translation direction an engine offers, in ISO 639-1 codes."""

    source: str
    target: str
    engine: str
    detail: str = ""  # e.g. the Apertium mode or the Argos package version
    size_bytes: int | None = None


class Engine:
    """Translate batches of plain-text segments between the pairs it offers.

    Segments may contain placeholders (see `placeholder`); an engine must return each
    placeholder of a segment unchanged, exactly once, in its output for that segment.
    """

    name = "engine"

    def available(self) -> bool:
        """Say whether the engine can run on this machine at all."""
        raise NotImplementedError

    def pairs(self) -> list[Pair]:
        """List the direct pairs installed for this engine."""
        raise NotImplementedError

    def translate(self, segments: list[str], source: str, target: str) -> list[str]:
        """Translate `segments` from `source` to `target`, one output per input."""
        raise NotImplementedError

    def close(self) -> None:
        """Release processes or models the engine holds."""
