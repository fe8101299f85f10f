"""An import killed with SIGKILL half-way leaves the database as it was; a rerun completes."""

from __future__ import annotations

import os
import queue
import re
import signal
import sqlite3
import subprocess
import threading
import time

import pytest

from satudata.core.tests.sqlite_helpers import (
    SATUDATA,
    prepared_home,
    sqlite_content,
    start_import,
)
from satudata.registry.synthetic import Generator, opensid_rows
from satudata.registry.tests.helpers import write_opensid_file

VILLAGE = "62.01.02.2012"  # Runtu

# It drives the embedded SQLite in a subprocess; the PostgreSQL run of the suite would repeat
# exactly the same thing.
pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs against the embedded SQLite, in the SQLite run of the suite",
)


@pytest.mark.slow
def test_an_import_killed_half_way_changes_nothing_and_a_rerun_completes(tmp_path):
    home = tmp_path / "home"
    env = prepared_home(home, "62.01")
    rows = opensid_rows(Generator(seed=7).families([VILLAGE], 60_000))
    big = write_opensid_file(tmp_path / "penduduk.csv", rows)
    database = home / "satudata.sqlite3"
    before = sqlite_content(database)

    importer = start_import(env, big, VILLAGE)
    # The importer reports progress on stderr ("30% 18,000 rows") from inside its one write
    # transaction; kill it mid-way, well before the commit that follows 100 %.
    progress: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [progress.put(line) for line in importer.stderr], daemon=True
    ).start()
    killed_at = None
    deadline = time.time() + 300
    while killed_at is None and time.time() < deadline and importer.poll() is None:
        try:
            line = progress.get(timeout=1)
        except queue.Empty:
            continue
        match = re.match(r"(\d+)% ", line)
        if match and 30 <= int(match.group(1)) <= 80:
            os.kill(importer.pid, signal.SIGKILL)
            killed_at = int(match.group(1))
    importer.wait()
    assert killed_at is not None, "the import was not seen mid-way; it could not be killed"
    assert importer.returncode == -signal.SIGKILL

    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert sqlite_content(database) == before

    rerun = subprocess.run(
        [*SATUDATA, "import", "residents", str(big), "--village", VILLAGE],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    with sqlite3.connect(database) as db:
        residents = db.execute(
            "SELECT COUNT(*) FROM registry_resident WHERE village_id = ?", (VILLAGE,)
        ).fetchone()[0]
    assert residents >= 60_000
