"""Benchmark: record linkage of 600,000 residents with 1% planted duplicates.

Run: .venv/bin/python bench/quality_linkage.py [RESIDENTS]
Goals (issue "One valid record"): ≤ 60 s on 2 cores; precision ≥ 0.99, recall ≥ 0.95 against
the planted truth. The timed part is what `satudata dedup` does: read residents from the
database in bulk, run the splink model on DuckDB, store the candidate pairs. The baseline,
measured in the same run on the same table, is an exact-key SQL self-join (same name, birth
date and mother's name), which is what a registry without linkage can do.
"""

from __future__ import annotations

import sys

from common import say, setup_django, timed


def score(found: set[frozenset], truth: set[frozenset]) -> tuple[float, float]:
    hits = len(found & truth)
    return (hits / len(found) if found else 0.0), hits / len(truth)


def main() -> None:
    residents = int(sys.argv[1]) if len(sys.argv) > 1 else 600_000
    setup_django()
    from django.db import connection

    from satudata.quality.services import dedup
    from satudata.quality.synthetic_duplicates import populate
    from satudata.regions.loader import load_regions
    from satudata.regions.models import Region
    from satudata.registry.models import Resident

    load_regions(["62"])
    villages = list(
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="62.01.")
        .order_by("code")
        .values_list("code", flat=True)
    )
    with timed() as build:
        truth = {frozenset(p) for p in populate(villages, residents, 0.01, seed=2026)}
    count = Resident.objects.count()
    say(
        f"built {count:,} residents in {len(villages)} villages with {len(truth):,} planted "
        f"duplicates in {build():.1f} s"
    )
    table = Resident._meta.db_table
    with timed() as baseline, connection.cursor() as cur:
        cur.execute(
            f"SELECT a.nik, b.nik FROM {table} a JOIN {table} b "  # noqa: S608
            "ON a.name = b.name AND a.birth_date = b.birth_date "
            "AND a.mother_name = b.mother_name AND a.id < b.id "
            "WHERE a.deleted_at IS NULL AND b.deleted_at IS NULL"
        )
        exact = {frozenset(r) for r in cur.fetchall()}
    with timed() as linkage:
        result = dedup.run(None)
    nik = dict(Resident.objects.values_list("pk", "nik"))
    found = {frozenset((nik[p.id_a], nik[p.id_b])) for p in result.pairs}
    p, r = score(found, truth)
    bp, br = score(exact, truth)
    say(
        f"linkage (splink on DuckDB, read + predict + store): {linkage():.1f} s for "
        f"{result.residents:,} residents, {len(found):,} pairs, precision {p:.3f}, "
        f"recall {r:.3f} (goal ≤ 60 s, ≥ 0.99, ≥ 0.95)"
    )
    say(
        f"baseline exact-key SQL self-join (name + birth date + mother): {baseline():.1f} s, "
        f"{len(exact):,} pairs, precision {bp:.3f}, recall {br:.3f}"
    )


if __name__ == "__main__":
    main()
