"""SQLite tuning for one bulk operation at a time (no-ops on PostgreSQL)."""

from __future__ import annotations

import contextlib

from django.db import connection


@contextlib.contextmanager
def pragma(name: str, value: int):
    """SQLite: the setting `name` at `value` inside the block, then as it was before."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA {name} = {before}")


def page_cache(megabytes: int):
    """A larger SQLite page cache for the duration of a bulk write, then the previous size.

    SQLite's default cache is 2 MB: inserting 100,000 rows into a table with secondary indexes
    keeps evicting and re-reading index pages (measured: a third of the insert's CPU time).
    """
    return pragma("cache_size", -1024 * int(megabytes))


def short_lock_wait(milliseconds: int = 200):
    """SQLite: wait only this long for the write lock inside the block (a write that can be
    skipped, like moving a session's end on, must not wait out a long import)."""
    return pragma("busy_timeout", milliseconds)
