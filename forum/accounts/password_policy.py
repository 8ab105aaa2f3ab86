"""What makes a password acceptable: long enough, not one's name, not a common password.

The list of common passwords is zxcvbn's (Dropbox's password-strength estimator, MIT
licence): the 30,000 passwords seen most often in public breach corpora, shipped inside the
`zxcvbn` package and read from disk, so no password ever leaves the server to be checked.
zxcvbn's guess estimate then catches what an exact list misses: variations of common
passwords ("Password1234", "iloveyou2024"), keyboard rows, repeats and sequences.

The rules follow NIST SP 800-63B: length and a blocklist, no composition rules.
"""
from __future__ import annotations

import re
from functools import lru_cache

from flask import current_app
from flask_babel import lazy_gettext as _l

MAX_LENGTH = 1024
# zxcvbn refuses longer input (its matching grows quadratically); the estimate of a password
# is settled well before 72 characters anyway.
_ESTIMATED_CHARS = 72
# Shorter names are too often part of ordinary words to forbid them inside a password.
_NAME_INSIDE_MIN = 4
_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """Return the common passwords, lower-cased, as shipped by zxcvbn."""
    # Imported here: its lists take 12 MB, which a web process needs only to check a new
    # password, not to serve pages.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def _squeezed(text: str) -> str:
    return _NOT_ALPHANUMERIC.sub("", text.casefold())


def is_common(password: str) -> bool:
    """Say whether a password, ignoring case, spaces and punctuation, is a common one."""
    forms = {password.casefold(), "".join(password.casefold().split()), _squeezed(password)}
    return not forms.isdisjoint(common_passwords())


def contains_name(password: str, display_name: str | None) -> bool:
    """Say whether a password is, or contains, the person's display name."""
    name = _squeezed(display_name or "")
    if not name:
        return False
    squeezed = _squeezed(password)
    return squeezed == name or (len(name) >= _NAME_INSIDE_MIN and name in squeezed)


def strength(password: str) -> int:
    """Return zxcvbn's score of a password, from 0 (guessed at once) to 4 (very strong)."""
    from zxcvbn import zxcvbn

    return zxcvbn(password[:_ESTIMATED_CHARS])["score"]


def problem(password: str, display_name: str | None = None) -> str | None:
    """Return why a new password is refused (a translated message), or None."""
    config = current_app.config
    minimum = config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _l("Use at least %(n)s characters.", n=minimum)
    if len(password) > MAX_LENGTH:
        return _l("That password is too long.")
    if contains_name(password, display_name):
        return _l("Do not use your display name in your password.")
    if is_common(password):
        return _l("This is one of the most common passwords, which attackers try first. "
                  "Please choose another.")
    if strength(password) < config["PASSWORD_MIN_STRENGTH"]:
        return _l("This password is too easy to guess. A few unusual words together make "
                  "a strong one.")
    return None
