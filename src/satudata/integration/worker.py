"""The loop of `satudata worker`: every registered kind of job, from the tables or from Redis."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.utils.translation import gettext as _

from satudata.integration import queue

log = logging.getLogger("satudata.worker")
Say = Callable[[str], None]
# True while a job runs, so a stop signal can wait for it instead of cutting it short.
busy: list[bool] = [False]


def _quiet(_line: str) -> None:
    pass


def _run(kind: queue.Kind, job, say: Say) -> None:
    say(kind.describe(job))
    busy[0] = True
    try:
        kind.execute(job)
    except Exception:  # a job's own bugs must not stop the worker; its row says it failed
        log.exception("%s job %s failed unexpectedly", kind.name, job.pk)
    finally:
        busy[0] = False
    say(kind.outcome(job))


def _schedule() -> None:
    for kind in queue.KINDS.values():
        if kind.schedule is not None:
            kind.schedule()


def _sweep(say: Say) -> list:
    """Run every due job found in the tables until none is left."""
    done = []
    for kind in queue.KINDS.values():
        while (job := kind.claim_next()) is not None:
            _run(kind, job, say)
            done.append(job)
    return done


def _take(item, say: Say) -> list:
    kind, pk = item
    job = kind.claim(pk)
    if job is None:  # already run (pushed twice, or taken by a sweep) or no longer due
        return []
    _run(kind, job, say)
    return [job]


def _redis_down(exc: Exception) -> str:
    return _("Redis does not answer (%(error)s); running due jobs from the database.") % {
        "error": exc
    }


def work_once(say: Say = _quiet) -> list:
    """Queue scheduled work, then run everything due (pushed to Redis or waiting in the tables)."""
    _schedule()
    done = []
    if queue.client() is not None:
        try:
            queue.promote_due()
            while (item := queue.pop(0)) is not None:
                done += _take(item, say)
        except queue.errors() as exc:
            say(_redis_down(exc))
    return done + _sweep(say)


def serve(say: Say = _quiet, sleep: float = 10.0, stop: Callable[[], bool] = lambda: False):
    """Run jobs until `stop()` (or Ctrl-C): block on Redis, or poll the tables every `sleep` s."""
    while not stop():
        if queue.client() is None:
            work_once(say)
            time.sleep(sleep)
            continue
        _schedule()
        try:
            queue.promote_due()
            item = queue.pop(sleep)
        except queue.errors() as exc:  # keep working from the tables until Redis is back
            say(_redis_down(exc))
            _sweep(say)
            time.sleep(sleep)
            continue
        if item is not None:
            _take(item, say)
        else:  # idle for a whole interval: anything due in the tables was never pushed
            _sweep(say)
