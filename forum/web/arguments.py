"""Read what a request names (query arguments, redirect targets, rows) without trusting it."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import abort, request, url_for
from flask_login import current_user

from forum.db import db
from forum.routing import MAX_ID

MAX_PAGE = 1_000_000
MAX_NEXT_LENGTH = 2000


def int_arg(name: str, default: int, minimum: int, maximum: int) -> int:
    """Return a whole-number query argument within [minimum, maximum], else `default`.

    Digits only (no sign, no spaces, no other scripts' digits); a number too large for
    the range is taken as `maximum` without ever building a huge integer.
    """
    raw = request.args.get(name)
    if raw is None or not (raw.isascii() and raw.isdecimal()):
        return default
    if len(raw.lstrip("0")) > len(str(maximum)):
        return maximum
    return min(max(int(raw), minimum), maximum)


def page_arg() -> int:
    """Return the ?page= argument as a page number the database can handle."""
    return int_arg("page", 1, 1, MAX_PAGE)


def id_arg(name: str) -> int | None:
    """Return a query argument naming an id, or None when it cannot be one."""
    value = int_arg(name, 0, 0, MAX_ID + 1)
    return value if 1 <= value <= MAX_ID else None


def safe_next(target: str | None, fallback: str = "proposals.index") -> str:
    """Return `target` if it is a path on this site, else the address of `fallback`.

    Anything else could send people to another site (phishing) or, with a line break,
    try to add headers to the redirect.
    """
    if target and len(target) <= MAX_NEXT_LENGTH and target.startswith("/") \
            and not target.startswith("//") and "\\" not in target \
            and not any(ch <= " " or ch == "\x7f" for ch in target) \
            and not urlsplit(target).netloc:
        return target
    return url_for(fallback)


def load_allowed(model, item_id: int, may: Callable[[Any, Any], bool]) -> Any:
    """Load a row by id (404 if there is none) that `may(current_user, row)` allows (403)."""
    item = db.get_or_404(model, item_id)
    if not may(current_user, item):
        abort(403)
    return item
