"""Benchmark: verifying a 100,000-row aid-recipient list against 600,000 residents.

Run: .venv/bin/python bench/quality_verify.py [RESIDENTS] [ROWS] [--database-url URL]
Goal (issue "One valid record"): ≤ 10 s, parse + verify + store the report. The baseline,
measured in the same run, is the naive way: one ORM query per row, timed on 2,000 rows and
scaled to the list's size.
"""

from __future__ import annotations

import random
import sys

from common import say, setup_django, timed


def main() -> None:
    args = sys.argv[1:]
    database_url = None
    if "--database-url" in args:
        at = args.index("--database-url")
        database_url = args[at + 1]
        del args[at : at + 2]
    residents = int(args[0]) if args else 600_000
    rows = int(args[1]) if len(args) > 1 else 100_000
    setup_django(database_url)
    from satudata.accounts.models import User
    from satudata.quality.services import verify
    from satudata.quality.synthetic_duplicates import populate
    from satudata.regions.loader import load_regions
    from satudata.regions.models import Region
    from satudata.registry.models import Resident

    load_regions(["62"])
    villages = list(
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="62.01.").values_list(
            "code", flat=True
        )
    )
    with timed() as build:
        populate(villages, residents, 0.0, seed=11)
        # Some recipients have died or moved out since the list was drawn up.
        ids = list(Resident.objects.values_list("pk", flat=True)[::50])
        Resident.objects.filter(pk__in=ids[: len(ids) // 2]).update(status=2)
    people = list(Resident.objects.values_list("nik", "name"))
    rng = random.Random(5)
    lines = ["NIK,Nama,No KK"]
    for _row in range(rows):
        nik, name = rng.choice(people)
        kind = rng.random()
        if kind < 0.03:
            nik = nik[:-4] + "0000"  # invalid
        elif kind < 0.06:
            nik = nik[:12] + "9999"  # not found: no serial that high
        elif kind < 0.09:
            name = "Budi Santoso"
        lines.append(f"{nik},{name},")
    data = ("\n".join(lines) + "\n").encode()
    custodian = User.objects.create(username="bench", role=User.Role.CUSTODIAN)
    from django.db import connection

    say(
        f"built {len(people):,} residents and a {rows:,}-row list in {build():.1f} s "
        f"({connection.vendor})"
    )
    with timed() as elapsed:
        blist, report = verify.upload(custodian, data, "penerima.csv", "PKH")
    sample = verify.read_list(data, "penerima.csv", "PKH")["nik"].head(2000).to_list()
    with timed() as naive:
        for nik in sample:
            Resident.objects.filter(nik=nik).values_list("pk", "name", "status").first()
    summary = ", ".join(f"{k} {v:,}" for k, v in report.summary.items() if v)
    say(
        f"verification (parse + verify + store report): {elapsed():.1f} s for {rows:,} rows "
        f"(goal ≤ 10 s); {summary}"
    )
    say(
        f"baseline one query per row: {naive() * rows / len(sample):.1f} s for {rows:,} rows "
        f"(measured on {len(sample):,})"
    )


if __name__ == "__main__":
    main()
