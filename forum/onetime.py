"""One-time codes people copy from paper: Crockford base 32, grouped in fours, hashed.

Crockford's alphabet has no I, L, O or U, and reading I and L as 1 and O as 0 forgives
the usual misreadings; case, spaces and dashes do not matter. Each character carries 5
random bits. A code is stored only as its SHA-256: with 60 bits and more there is
nothing to gain from a slow hash, and a stolen table gives no usable code.
"""
from __future__ import annotations

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0", "-": None, " ": None})


def new(length: int) -> str:
    """Return a fresh random code of `length` characters (5 bits each)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise(text: str | None, length: int) -> str | None:
    """Return the code a person typed, in canonical form, or None if it cannot be one."""
    code = (text or "")[:64].upper().translate(READ_AS)
    if len(code) != length or any(c not in ALPHABET for c in code):
        return None
    return code


def shown(code: str) -> str:
    """Group a code in fours, as it is printed."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def digest(code: str) -> str:
    """Return the hash a canonical code is stored as."""
    return hashlib.sha256(code.encode()).hexdigest()
