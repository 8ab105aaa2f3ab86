"""Argon2 password hashing with costs from the configuration."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# Hashed when a login names nobody, so a wrong name costs as long as a wrong password.
_DUMMY_PASSWORD = "not a real password, only a timing equaliser"


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(time_cost=config.get("ARGON2_TIME_COST", 3),
                          memory_cost=config.get("ARGON2_MEMORY_COST", 65536),
                          parallelism=config.get("ARGON2_PARALLELISM", 4))


def hash_password(password: str) -> str:
    """Return the Argon2 hash of a password."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password against its hash (or burn the same time when there is none)."""
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or hasher.hash(_DUMMY_PASSWORD), password) \
            and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Say whether a stored hash was made with older costs than the configured ones."""
    return _hasher().check_needs_rehash(password_hash)
