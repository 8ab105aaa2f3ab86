"""Rate-limit storages for the security tests: each process's memory, or a shared Redis.

Set FORUM_TEST_REDIS_URL to use another Redis than redis://127.0.0.1:6379/0. Each test
counts under a key prefix of its own and deletes its keys afterwards, so tests running
side by side on one Redis never see each other's counters.
"""
from __future__ import annotations

import os
import uuid

import pytest

from conftest import need

REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        need(False, f"Redis at {REDIS_URL}")
    return client


@pytest.fixture(params=["memory", "redis"])
def storage(request):
    """Settings that count rate limits in memory, or in Redis under a fresh prefix."""
    if request.param == "memory":
        yield {"RATELIMIT_STORAGE_URI": "memory://"}
        return
    client = _redis()
    prefix = f"forum-test-{uuid.uuid4().hex[:12]}"
    yield {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix,
           "_redis": client}
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
    client.close()


def redis_keys(storage: dict) -> list[str]:
    """Return the keys this test's counters hold in Redis."""
    client, prefix = storage["_redis"], storage["RATELIMIT_KEY_PREFIX"]
    return [key.decode() for key in client.scan_iter(f"*{prefix}*")]


def limited(settings: dict, storage: dict, **limits) -> dict:
    """Return test settings with rate limits on, in `storage`, with these limits."""
    config = {k: v for k, v in storage.items() if not k.startswith("_")}
    return {**settings, "RATELIMIT_ENABLED": True, **config, **limits}


def from_address(address: str) -> dict:
    """Return request arguments that make a test client's request come from `address`."""
    return {"environ_base": {"REMOTE_ADDR": address}}
