"""PostgreSQL for tests that need it even when the suite runs on SQLite (skipped only when
no server answers on 127.0.0.1:5432)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def postgres_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
        return True
    except Exception:  # noqa: BLE001
        return False


@contextlib.contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """The URL of a new, empty database, dropped afterwards."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
