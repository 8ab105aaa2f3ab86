"""Addresses made from names: the end of /topics/<slug> and /processes/<slug>."""
from __future__ import annotations

import re
import unicodedata


def slugify(text: str, fallback: str = "topic") -> str:
    """Make a URL-safe slug out of a name (`fallback` when nothing of it is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or fallback
