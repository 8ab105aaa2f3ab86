"""What every endpoint of the read API shares: its errors and its query arguments."""
from __future__ import annotations

from typing import NoReturn

from flask import abort, current_app, make_response, request

from forum.errors.handlers import error_response
from forum.i18n import reading_language
from forum.machine_translation.reading import lookup

# Larger page numbers would overflow the database's integers; no list is that long.
MAX_PAGE = 1_000_000


def fail(status: int, message: str, code: str) -> NoReturn:
    """Stop the request with a JSON error (abort() needs a response, not a tuple)."""
    abort(make_response(error_response(status, message, code)))


def request_language() -> str:
    """Return the ?lang= of the request (400 if the instance has no such language)."""
    code = request.args.get("lang")
    if code is None:
        return reading_language()
    if code not in current_app.config["LANGUAGES"]:
        fail(400, f"Unknown language {code!r}; see /api/v1/languages.", "unknown_language")
    return code


def int_arg(name: str, default: int, maximum: int | None = None) -> int:
    """Return a whole-number query argument from 1 to MAX_PAGE (400 otherwise)."""
    raw = request.args.get(name)
    if raw is None:
        return default
    # isdecimal, not isdigit: int() refuses digits such as "²".
    if not (raw.isascii() and raw.isdecimal() and len(raw) <= 7 and 1 <= int(raw) <= MAX_PAGE):
        fail(400, f"{name} must be an integer from 1 to {MAX_PAGE}.", "bad_parameter")
    return min(int(raw), maximum) if maximum else int(raw)


def texts_for(items):
    """Load the translations of `items` into the request's language (or the originals)."""
    return lookup(items, request_language(), originals_only=request.args.get("original") == "1")
