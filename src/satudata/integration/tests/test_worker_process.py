"""`satudata worker` as its own process, blocked on the real Redis, runs a job pushed meanwhile."""

from __future__ import annotations

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from satudata.core.tests.sqlite_helpers import subprocess_environment
from satudata.integration.tests.redis_helpers import REDIS_URL, needs_redis, unique_prefix

# The processes share an embedded SQLite data folder; the PostgreSQL run of the suite would
# repeat exactly the same thing.
pytestmark = [
    needs_redis,
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="runs against the embedded SQLite, in the SQLite run of the suite",
    ),
]

# What the duplicates page's button does, from another process: the push follows the commit.
REQUEST = """
from satudata.accounts.models import User
from satudata.quality.services import dedup_runs
from satudata.quality.synthetic_duplicates import populate
from satudata.regions.models import Region
villages = Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="62.01.02.")
populate(list(villages.values_list("code", flat=True)), 300, 0.05)
custodian = User.objects.create(username="walidata", role=User.Role.CUSTODIAN)
print(dedup_runs.request(custodian).pk)
"""
SLEEP = 120  # the worker's longest wait on Redis; its table sweep comes only after that


def wait_for(lines: queue.Queue, text: str, seconds: float, seen: list[str]) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        seen.append(line)
        if text in line:
            return line
    raise AssertionError(f"no {text!r} within {seconds} s; worker said: {''.join(seen)}")


def test_the_worker_process_runs_a_search_pushed_to_redis(tmp_path):
    home = tmp_path / "home"
    prefix = unique_prefix()
    env = subprocess_environment(home, REDIS_URL=REDIS_URL, SATUDATA_QUEUE_PREFIX=prefix)
    satudata = [sys.executable, "-m", "satudata"]
    subprocess.run([*satudata, "migrate", "-v0"], env=env, check=True, timeout=300)
    subprocess.run([*satudata, "loadregions", "62.01"], env=env, check=True, timeout=300)

    worker = subprocess.Popen(
        [*satudata, "worker", "--sleep", str(SLEEP)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in worker.stdout], daemon=True).start()
    seen: list[str] = []
    try:
        started = time.monotonic()
        wait_for(lines, "Pekerja mulai (antrean Redis", 120, seen)
        asked = subprocess.run(
            [*satudata, "shell", "-c", REQUEST],
            env=env,
            check=True,
            timeout=300,
            capture_output=True,
            text=True,
        )
        job = int(asked.stdout.split()[-1])
        done = wait_for(lines, f"Pencarian data ganda {job}: ", SLEEP - 15, seen)
        # Well before the first table sweep: the job came through Redis.
        assert time.monotonic() - started < SLEEP
        assert "selesai" in done, done
        with sqlite3.connect(home / "satudata.sqlite3") as db:
            status, pairs, residents = db.execute(
                "SELECT status, pairs, residents FROM quality_deduprun WHERE id = ?", (job,)
            ).fetchone()
        assert status == "succeeded" and residents >= 300 and pairs > 0
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.keys(f"{prefix}:*"):
            client.delete(key)
    assert worker.returncode == 0
    wait_for(lines, "Pekerja berhenti.", 5, seen)
