"""The Redis cache, which a Redis outage turns into no cache instead of an outage of the portal.

Everything the portal keeps in the cache (public pages, counts, map series) can be computed
again, so when Redis does not answer every read is a miss and every write is dropped: the
pages get slower, not broken. One warning goes to the log when Redis stops answering, and one
line when it answers again; the keys (URLs with their queries) are never logged.

After a failure Redis is not asked again for RETRY_SECONDS, so a Redis host that is down
(each attempt waiting for the connect timeout) does not add that wait to every request.
`/healthz` and `satudata check` ask it directly with `ping()`.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache

log = logging.getLogger("satudata.cache")

RETRY_SECONDS = 5.0
# Redis on the LAN answers in a millisecond; a connect that takes longer is an outage.
DEFAULT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}


class _Outage:
    """Whether Redis failed recently, shared by the threads of one process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.down = False

    def skipping(self) -> bool:
        return self.down and time.monotonic() < self.down_until

    def failed(self, exc: BaseException) -> None:
        with self.lock:
            first = not self.down
            self.down = True
            self.down_until = time.monotonic() + RETRY_SECONDS
        if first:
            log.warning(
                "Cache (Redis) unreachable, serving without cache until it answers: %s",
                _first_line(exc),
            )

    def answered(self) -> None:
        if self.down:
            with self.lock:
                was_down, self.down = self.down, False
            if was_down:
                log.warning("Cache (Redis) answers again.")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


outage = _Outage()


@functools.cache
def _connection_errors() -> tuple[type[BaseException], ...]:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    # A refused or dropped connection, a wrong password, a Redis still loading or too slow.
    return (RedisConnectionError, RedisTimeoutError, OSError)


def _tolerant(on_outage):
    """Run a cache operation; on a connection error, log it and give `on_outage()` instead."""

    def wrap(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            if outage.skipping():
                return on_outage()
            try:
                result = method(self, *args, **kwargs)
            except _connection_errors() as exc:
                outage.failed(exc)
                return on_outage()
            outage.answered()
            return result

        return call

    return wrap


def _none():
    return None


def _false():
    return False


def _empty_dict():
    return {}


def _empty_list():
    return []


def _not_found():
    # What a counter that is not in the cache gives: callers already handle it.
    raise ValueError("Key not found (cache unreachable).")


class TolerantRedisCache(RedisCache):
    """Django's Redis cache whose connection errors are cache misses (see the module's text)."""

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)

    def get(self, key, default=None, version=None):
        if outage.skipping():
            return default
        try:
            value = super().get(key, default, version)
        except _connection_errors() as exc:
            outage.failed(exc)
            return default
        outage.answered()
        return value

    add = _tolerant(_false)(RedisCache.add)
    set = _tolerant(_none)(RedisCache.set)
    touch = _tolerant(_false)(RedisCache.touch)
    delete = _tolerant(_false)(RedisCache.delete)
    get_many = _tolerant(_empty_dict)(RedisCache.get_many)
    has_key = _tolerant(_false)(RedisCache.has_key)
    incr = _tolerant(_not_found)(RedisCache.incr)
    set_many = _tolerant(_empty_list)(RedisCache.set_many)
    delete_many = _tolerant(_none)(RedisCache.delete_many)
    clear = _tolerant(_false)(RedisCache.clear)

    def ping(self) -> str | None:
        """None when Redis answers, else why not (one line); asks even during an outage, and
        logs nothing: its callers (`/healthz`, `satudata check`) report it themselves."""
        try:
            self._cache.get_client(None).ping()
        except _connection_errors() as exc:
            return _first_line(exc).rstrip(".")
        return None
