"""Helpers for tests that run `satudata` in a subprocess against an embedded SQLite file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

SATUDATA = [sys.executable, "-m", "satudata"]


def subprocess_environment(home, **extra) -> dict[str, str]:
    """The environment for `python -m satudata` with its own data folder (and SQLite)."""
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update({"SATUDATA_HOME": str(home), "DJANGO_SETTINGS_MODULE": "satudata.settings"})
    environment.update(extra)
    return environment


def prepared_home(home, regions: str) -> dict[str, str]:
    """Migrate a new data folder and load `regions` into it, as an operator would; returns
    the environment for further `SATUDATA` commands there."""
    environment = subprocess_environment(home)
    subprocess.run([*SATUDATA, "migrate", "-v0"], env=environment, check=True, timeout=300)
    subprocess.run([*SATUDATA, "loadregions", regions], env=environment, check=True, timeout=300)
    return environment


def start_import(environment, upload, village: str) -> subprocess.Popen:
    """`satudata import residents` of `upload` into `village`, running in the background;
    its progress lines ("30% 18,000 baris") come on stderr, text mode."""
    return subprocess.Popen(  # noqa: S603
        [*SATUDATA, "import", "residents", str(upload), "--village", village],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


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
