"""Throttle failed logins without letting anyone lock another person out.

The rate-limit storage (each process's memory, or Redis shared by every web process)
counts failed logins three ways:

1. per client address (LOGIN_FAILURES_PER_ADDRESS): one address guessing many accounts;
2. per address and account name (LOGIN_FAILURES_PER_ADDRESS_AND_NAME): one address
   guessing one account;
3. per account name, from every address together (LOGIN_ATTACK_THRESHOLD). Past it, the
   name is under a distributed attack, and each address then gets only
   LOGIN_FAILURES_UNDER_ATTACK wrong tries at it: a slow-down, not a lock.

An attempt is refused, before its password is checked, only when its own address has used
up (1), or its own tries at the name under (2) or, during an attack, (3). What other
addresses did never refuses anyone: an attacker cannot lock the owner out, and the owner,
from an address that has not failed, still gets in with the right password while the
account is under attack. A botnet is slowed from (2) to (3) guesses per address.

Names are counted as keyed hashes, whether or not an account has them, so the throttle tells
nobody which accounts exist, and the storage holds no names. A successful login clears its
address's failures at that name, not those of the address (1). Separately, every login
form sent, right or wrong, is limited per address by RATELIMIT_LOGIN on the view, which
bounds the Argon2 work one address can cause.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from dataclasses import dataclass

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many

from forum.accounts.service import name_key
from forum.extensions import limiter

log = logging.getLogger(__name__)
Counter = tuple[RateLimitItem, tuple[str, ...]]


def _limits(setting: str) -> list[RateLimitItem]:
    return parse_many(current_app.config[setting])


def _hashed_name(display_name: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, name_key(display_name).encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class LoginAttempt:
    """One login attempt: from which address, at which (hashed) account name."""

    address: str
    name: str

    @classmethod
    def start(cls, display_name: str) -> LoginAttempt:
        """Describe the attempt the current request makes at `display_name`."""
        return cls(get_remote_address(), _hashed_name(display_name))

    def refusal(self) -> int | None:
        """Return the seconds to wait when this attempt must be refused, else None."""
        if not limiter.enabled:
            return None
        try:
            for item, keys in self._own_counters():
                if not limiter.limiter.test(item, *keys):
                    return _seconds_until_reset(item, keys)
        except Exception:  # noqa: BLE001 - storage down: the per-address view limit remains
            log.exception("login throttle: rate-limit storage failed; attempt allowed")
        return None

    def failed(self) -> None:
        """Count a wrong name or password against the address, the pair and the name."""
        counters = self._address() + self._pair() + self._pair_under_attack()
        self._update(lambda item, keys: limiter.limiter.hit(item, *keys),
                     counters + self._whole_name())

    def succeeded(self) -> None:
        """Forget this address's failures at this name."""
        self._update(lambda item, keys: limiter.limiter.clear(item, *keys),
                     self._pair() + self._pair_under_attack())

    def under_attack(self) -> bool:
        """Say whether the name failed more than LOGIN_ATTACK_THRESHOLD from all addresses."""
        return any(not limiter.limiter.test(item, *keys) for item, keys in self._whole_name())

    def _own_counters(self) -> list[Counter]:
        counters = self._address() + self._pair()
        if self.under_attack():
            counters += self._pair_under_attack()
        return counters

    def _update(self, update, counters: list[Counter]) -> None:
        if not limiter.enabled:
            return
        try:
            for item, keys in counters:
                update(item, keys)
        except Exception:  # noqa: BLE001 - a throttle must not turn a login into an error
            log.exception("login throttle: rate-limit storage failed; failure not counted")

    def _counters(self, setting: str, *keys: str) -> list[Counter]:
        prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or "forum"
        return [(item, (prefix, "login-failures", setting, *keys)) for item in _limits(setting)]

    def _address(self) -> list[Counter]:
        return self._counters("LOGIN_FAILURES_PER_ADDRESS", self.address)

    def _pair(self) -> list[Counter]:
        return self._counters("LOGIN_FAILURES_PER_ADDRESS_AND_NAME", self.address, self.name)

    def _pair_under_attack(self) -> list[Counter]:
        return self._counters("LOGIN_FAILURES_UNDER_ATTACK", self.address, self.name)

    def _whole_name(self) -> list[Counter]:
        return self._counters("LOGIN_ATTACK_THRESHOLD", self.name)


def _seconds_until_reset(item: RateLimitItem, keys: tuple[str, ...]) -> int:
    reset = limiter.limiter.get_window_stats(item, *keys).reset_time
    return max(1, math.ceil(reset - time.time()))
