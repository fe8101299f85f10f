"""Shared helpers for the benchmarks: a throwaway data folder, Django set-up, percentiles."""

from __future__ import annotations

import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path


def scratch_dir(prefix: str = "satudata-bench-") -> Path:
    """A new folder removed when the benchmark exits: a 600k-row run leaves ~300 MB of
    databases and CSV files, and the machines' disks are sometimes nearly full."""
    folder = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return Path(folder)


def setup_django(database_url: str | None = None) -> str:
    """Point Satu Data at a fresh data folder (and database), migrate, return the folder."""
    home = str(scratch_dir())
    os.environ["SATUDATA_HOME"] = home
    os.environ["DJANGO_SETTINGS_MODULE"] = "satudata.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    return home


@contextmanager
def timed():
    """with timed() as t: …; then t() is the elapsed seconds."""
    start = time.perf_counter()
    end: list[float] = []
    yield lambda: (end[0] if end else time.perf_counter()) - start
    end.append(time.perf_counter())


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def latency_line(label: str, samples_s: list[float]) -> str:
    ms = [s * 1000 for s in samples_s]
    return (
        f"{label}: p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 95):.1f} ms, "
        f"max {max(ms):.1f} ms over {len(ms)} requests"
    )


def say(line: str) -> None:
    print(line, flush=True)
    sys.stdout.flush()
