"""The background worker's queue: the job tables always, Redis on top when REDIS_URL is set.

A job is a row (a connector's `ConnectorRun`, the quality app's `DedupRun`) that stays the
record of the work: status, times, rows, messages, retries. Without Redis the worker polls those
tables. With Redis, a job's row id is also pushed to a Redis list once its transaction commits
and `satudata worker` blocks on that list (BLPOP), so "run now" starts at once and workers on
several machines share the work; a job due later (a retry with backoff) waits in a sorted set
scored by its due time. The tables stay the safety net: a worker that has been idle for a
whole poll interval also takes due rows nobody pushed (Redis restarted empty, a push that
failed), and a claim is always the table's conditional UPDATE, so a job pushed twice or taken
by the sweep runs once.
"""

from __future__ import annotations

import datetime
import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

log = logging.getLogger("satudata.worker")
BLOCK_SECONDS = 30


@dataclass(frozen=True)
class Kind:
    """One kind of job the worker runs; each app registers its own in AppConfig.ready()."""

    name: str
    # The due job with this id, marked running, or None if it is not due (or another has it).
    claim: Callable[[int], Any]
    # The oldest due job in the table, claimed the same way, or None.
    claim_next: Callable[[], Any]
    # Runs a claimed job and records the outcome on its row; never raises for the job's source.
    execute: Callable[[Any], Any]
    # One line for the worker's output before and after a job (no personal data).
    describe: Callable[[Any], str]
    outcome: Callable[[Any], str]
    # Called once per loop before waiting: queue scheduled work (connectors' timetables).
    schedule: Callable[[], Any] | None = None

    @classmethod
    def of(cls, module, schedule: Callable[[], Any] | None = None) -> Kind:
        """The kind a module defines with KIND and claim/claim_next/execute/describe/outcome."""
        parts = ("claim", "claim_next", "execute", "describe", "outcome")
        return cls(module.KIND, *(getattr(module, p) for p in parts), schedule=schedule)


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    KINDS[kind.name] = kind


def redis_url() -> str:
    return getattr(settings, "REDIS_URL", "") or ""


def prefix() -> str:
    return getattr(settings, "SATUDATA_QUEUE_PREFIX", "satudata") or "satudata"


def keys() -> tuple[str, str]:
    """The Redis list of jobs due now and the sorted set of jobs due later."""
    return f"{prefix()}:jobs", f"{prefix()}:later"


@functools.cache
def _client(url: str):
    import redis  # the "production" extra; only imported when REDIS_URL is set

    # A blocking pop waits at most BLOCK_SECONDS per call, so a read timeout above that only
    # fires when Redis itself stops answering.
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=5,
        socket_timeout=BLOCK_SECONDS + 15,
        socket_keepalive=True,
        health_check_interval=30,
    )


def client():
    """The Redis client of the queue, or None when the worker uses the job tables alone."""
    url = redis_url()
    if not url:
        return None
    try:
        return _client(url)
    except ImportError:  # REDIS_URL without the "production" extra: the tables still work
        log.warning("REDIS_URL is set but the redis package is missing; using the database")
        return None


def errors() -> tuple[type[BaseException], ...]:
    """What a Redis that is down, unreachable or too slow raises."""
    try:
        from redis import RedisError
    except ImportError:
        return (OSError,)
    return (RedisError, OSError)


def _member(kind: str, pk: int) -> str:
    return f"{kind}:{pk}"


def push(kind: str, pk: int, due_at: datetime.datetime | None = None) -> None:
    """Tell the workers about a job once the current transaction commits (no-op without Redis).

    A push that fails is logged, not raised: the row is saved and the tables' sweep runs it.
    """
    if client() is None:
        return

    def send() -> None:
        redis = client()
        jobs, later = keys()
        try:
            if due_at is not None and due_at > timezone.now():
                redis.zadd(later, {_member(kind, pk): due_at.timestamp()})
            else:
                redis.rpush(jobs, _member(kind, pk))
        except errors() as exc:  # the table's sweep is the fallback
            log.warning(
                "could not queue %s %s in Redis (%s); the worker will find it", kind, pk, exc
            )

    transaction.on_commit(send)


def promote_due(now: datetime.datetime | None = None) -> int:
    """Move jobs whose time has come from the sorted set to the list; one worker moves each."""
    redis = client()
    if redis is None:
        return 0
    jobs, later = keys()
    now = now or timezone.now()
    moved = 0
    for member in redis.zrangebyscore(later, "-inf", now.timestamp(), start=0, num=500):
        if redis.zrem(later, member):  # only the worker whose ZREM removed it pushes it
            redis.rpush(jobs, member)
            moved += 1
    return moved


def pop(timeout: float) -> tuple[Kind, int] | None:
    """Wait up to `timeout` seconds for a pushed job (timeout 0: do not wait)."""
    redis = client()
    jobs, _later = keys()
    raw = None
    if timeout > 0:
        deadline = time.monotonic() + timeout
        while raw is None and time.monotonic() < deadline:
            wait = min(BLOCK_SECONDS, max(1, round(deadline - time.monotonic())))
            got = redis.blpop([jobs], timeout=wait)
            raw = got[1] if got else None
    else:
        raw = redis.lpop(jobs)
    if raw is None:
        return None
    name, _sep, pk = raw.decode().partition(":")
    kind = KINDS.get(name)
    if kind is None or not pk.isdigit():
        log.warning("ignoring unknown job %r in the Redis queue", raw)
        return None
    return kind, int(pk)
