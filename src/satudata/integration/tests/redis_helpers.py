"""The real Redis on 127.0.0.1:6379 for the worker's queue tests, with a key prefix per test."""

from __future__ import annotations

import uuid

import pytest

from satudata.integration import queue

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


needs_redis = pytest.mark.skipif(not redis_answers(), reason="no Redis answers on 127.0.0.1:6379")


def unique_prefix() -> str:
    return f"satudata-test-{uuid.uuid4().hex}"


def use_redis(settings):
    """Point the queue at the real Redis under a fresh prefix; yields the client, then cleans."""
    settings.REDIS_URL = REDIS_URL
    settings.SATUDATA_QUEUE_PREFIX = unique_prefix()
    client = queue.client()
    yield client
    for key in client.keys(f"{settings.SATUDATA_QUEUE_PREFIX}:*"):
        client.delete(key)


def jobs(client) -> list[str]:
    """The members waiting in the queue's list, oldest first."""
    return [m.decode() for m in client.lrange(queue.keys()[0], 0, -1)]
