"""Benchmark: loading every official region, and name search over the whole country.

Run: .venv/bin/python bench/regions.py
Goals (issue "Foundation"): load ≤ 10 s on SQLite; /api/v1/regions?q=… p95 ≤ 20 ms.
The baseline is a raw sqlite3 executemany of the same rows into an unindexed table,
measured in the same run, so the ratio shows what the ORM, indexes and search words cost.
"""

from __future__ import annotations

import random
import sqlite3

from common import latency_line, percentile, say, scratch_dir, setup_django, timed


def main() -> None:
    setup_django()
    from django.test import Client

    from satudata.regions.loader import load_regions, official_regions
    from satudata.regions.models import Region

    rows = [
        (r.code, r.name, r.level, r.kind, r.parent_id, r.postal_code) for r in official_regions()
    ]
    baseline_db = scratch_dir() / "baseline.sqlite3"
    with sqlite3.connect(baseline_db) as raw, timed() as baseline:
        raw.execute(
            "CREATE TABLE region (code TEXT, name TEXT, level INT, kind TEXT, "
            "parent TEXT, postal TEXT)"
        )
        raw.executemany("INSERT INTO region VALUES (?, ?, ?, ?, ?, ?)", rows)
    with timed() as ours:
        result = load_regions()
    assert result.created == len(rows) == Region.objects.count()
    say(
        f"region load: {ours():.2f} s for {len(rows):,} regions "
        f"(baseline raw executemany, no indexes: {baseline():.2f} s; "
        f"ratio {ours() / baseline():.1f}x; goal <= 10 s)"
    )

    client = Client()
    sample = random.Random(7).sample(rows, 150)
    words = [name.split()[0][:n] for _, name, *_ in sample for n in (3, 6)]
    words += ["sungai raya", "kubu raya", "natai", "kota", "ma", "sungai", "jaya", "tanjung"]
    for word in words[:20]:  # warm the connection and caches like a running server
        client.get("/api/v1/regions", {"q": word})
    search, trivial = [], []
    for word in words:
        with timed() as t:
            response = client.get("/api/v1/regions", {"q": word})
        assert response.status_code == 200
        search.append(t())
        with timed() as t:
            client.get("/api/v1/status")
        trivial.append(t())
    say(latency_line("GET /api/v1/regions?q=… (whole country)", search) + " — goal p95 <= 20 ms")
    say(latency_line("GET /api/v1/status (trivial endpoint, same process)", trivial))
    say(f"search p95 / trivial p95: {percentile(search, 95) / percentile(trivial, 95):.1f}x")


if __name__ == "__main__":
    main()
