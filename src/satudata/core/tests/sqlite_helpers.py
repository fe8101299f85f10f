"""Helpers for tests that run `satudata` in a subprocess against an embedded SQLite file."""

from __future__ import annotations

import os
import sqlite3


def subprocess_environment(home, **extra) -> dict[str, str]:
    """The environment for `python -m satudata` with its own data folder (and SQLite)."""
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update({"SATUDATA_HOME": str(home), "DJANGO_SETTINGS_MODULE": "satudata.settings"})
    environment.update(extra)
    return environment


def sqlite_content(path) -> dict[str, list[tuple]]:
    """Every row of every table of a SQLite file, in a stable order."""
    with sqlite3.connect(path) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            table: sorted(db.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)  # noqa: S608
            for table in tables
        }
