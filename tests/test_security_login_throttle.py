"""Failed logins are throttled per address and per account, and nobody can be locked out."""
from __future__ import annotations

import pytest

import factories as make
from factories import PASSWORD
from fixtures_core import browser, field_errors
from forum.extensions import limiter
from security_support import from_address, limited, redis_keys, storage  # noqa: F401

THROTTLED = "Too many failed attempts at this name from your connection."


@pytest.fixture
def settings(settings, storage):
    return limited(settings, storage, RATELIMIT_LOGIN="1000 per hour",
                   LOGIN_FAILURES_PER_ADDRESS="6 per hour",
                   LOGIN_FAILURES_PER_ADDRESS_AND_NAME="3 per hour",
                   LOGIN_ATTACK_THRESHOLD="5 per hour",
                   LOGIN_FAILURES_UNDER_ATTACK="1 per hour")


@pytest.fixture
def marta(app):
    return make.user("Marta")


def attempt(app, name: str, password: str, address: str):
    """Send one login form from `address` in a fresh browser; return the response."""
    return browser(app).post("/login", data={"display_name": name, "password": password},
                             **from_address(address))


def fail(app, name: str, address: str, times: int = 1) -> list[int]:
    return [attempt(app, name, "not the password", address).status_code
            for _ in range(times)]


def test_an_address_gets_a_few_tries_at_one_name(app, marta):
    assert fail(app, "Marta", "192.0.2.1", 3) == [422] * 3
    refused = attempt(app, "Marta", PASSWORD, "192.0.2.1")  # even the right password
    assert refused.status_code == 429
    assert THROTTLED in field_errors(refused, "password")
    assert int(refused.headers["Retry-After"]) > 0
    # The same address may still log in to another account, and Marta from elsewhere.
    make.user("Joan")
    assert attempt(app, "Joan", PASSWORD, "192.0.2.1").status_code == 302
    assert attempt(app, "Marta", PASSWORD, "198.51.100.7").status_code == 302


def test_an_address_gets_a_few_failures_in_all(app, marta):
    for n in range(6):
        assert fail(app, f"Someone {n}", "192.0.2.1") == [422]
    assert attempt(app, "Marta", PASSWORD, "192.0.2.1").status_code == 429
    assert attempt(app, "Marta", PASSWORD, "192.0.2.2").status_code == 302


def test_many_addresses_cannot_lock_the_owner_out(app, marta):
    # A botnet: each address fails at Marta as often as it may.
    for n in range(20):
        fail(app, "Marta", f"203.0.113.{n}", 3)
    # The owner, from her own address, still gets in with the right password.
    assert attempt(app, "Marta", PASSWORD, "198.51.100.7").status_code == 302


def test_under_attack_each_address_is_slowed_to_fewer_guesses(app, marta):
    for n in range(5):
        assert fail(app, "Marta", f"203.0.113.{n}") == [422]  # the name is now under attack
    assert fail(app, "Marta", "203.0.113.50", 2) == [422, 429]  # one guess, not three
    assert fail(app, "Marta", "203.0.113.0") == [429]  # those that failed already: none
    assert attempt(app, "Marta", PASSWORD, "198.51.100.7").status_code == 302


def test_a_success_forgets_the_failures_of_that_address_at_that_name(app, marta):
    assert fail(app, "Marta", "192.0.2.1", 2) == [422, 422]
    assert attempt(app, "Marta", PASSWORD, "192.0.2.1").status_code == 302
    assert fail(app, "Marta", "192.0.2.1", 2) == [422, 422]


def test_names_count_whatever_their_case_and_unknown_names_alike(app, marta):
    assert fail(app, "MARTA", "192.0.2.1") + fail(app, " marta ", "192.0.2.1") \
        + fail(app, "Marta", "192.0.2.1") == [422] * 3
    assert attempt(app, "marta", PASSWORD, "192.0.2.1").status_code == 429
    # No account is called "Nobody": the throttle answers exactly the same.
    assert fail(app, "Nobody", "192.0.2.9", 4) == [422, 422, 422, 429]


def test_the_storage_holds_no_names_or_passwords(app, marta, storage):
    fail(app, "Marta", "192.0.2.1")
    if "_redis" in storage:
        keys = redis_keys(storage)
    else:
        memory = limiter.storage  # moving windows keep events, fixed ones counters
        keys = [str(key) for key in [*memory.storage, *memory.events]]
    assert keys and any("login-failures" in key for key in keys)
    assert not any("marta" in key.lower() or "password" in key for key in keys), keys


def test_nothing_is_throttled_with_rate_limits_off(app, marta):
    app.config["RATELIMIT_ENABLED"] = False
    limiter.enabled = False
    try:
        assert fail(app, "Marta", "192.0.2.1", 8) == [422] * 8
    finally:
        limiter.enabled = True


def test_wrong_recovery_codes_count_as_failed_logins(app, marta):
    from forum.recovery import codes

    (code, *_rest) = codes.replace(marta)

    def recover(typed: str):
        return browser(app).post("/account/recover", data={
            "display_name": "Marta", "code": typed, "password": "a brand new passphrase",
            "confirm": "a brand new passphrase"}, **from_address("192.0.2.1"))

    assert [recover("0000-0000-0000-0000").status_code for _ in range(3)] == [422] * 3
    refused = recover(code)  # even the right code: 80 bits are not guessed 3 at a time
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert codes.remaining(marta.id) == 10
    assert browser(app).post("/account/recover", data={
        "display_name": "Marta", "code": code, "password": "a brand new passphrase",
        "confirm": "a brand new passphrase"}, **from_address("198.51.100.7")).status_code == 302
