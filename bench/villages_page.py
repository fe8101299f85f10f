"""Benchmark: the public village page with 600,000 residents in the registry.

Run: .venv/bin/python bench/villages_page.py
Goal (issue "Village profile, maps…"): the public village page <= 150 ms p95.
Residents are loaded with one executemany; the baseline in the same run is the raw SQL
count of one village's living residents by sex through the same connection.
"""

from __future__ import annotations

import datetime
import random

from common import latency_line, say, timed
from villages_common import setup, upload_boundaries, villages

RESIDENTS = 600_000


def load_residents(codes: list[str]) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from satudata.registry.models import Resident

    fields = [f for f in Resident._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    rng = random.Random(3)
    fixed = {
        "nik_is_temporary": False,
        "birth_place": "",
        "citizenship": 1,
        "father_name": "",
        "mother_name": "",
        "status": 1,
        "is_demo": True,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Table and column names come from the model, not from input.
    sql = f"INSERT INTO {Resident._meta.db_table} ({columns}) VALUES ({marks})"  # noqa: S608
    batch = []
    with transaction.atomic(), connection.cursor() as cursor:
        for i in range(RESIDENTS):
            values = {
                "nik": f"6112{i:012d}",
                "name": f"Warga {i}",
                "sex": 1 + (i % 2),
                "birth_date": datetime.date(1950 + i % 70, 1 + i % 12, 1 + i % 28),
                "religion": 1 + i % 7,
                "education_kk": 1 + rng.randrange(10),
                "occupation": 1 + i % 89,
                "marital_status": 1 + i % 4,
                "village_id": codes[i % len(codes)],
                **fixed,
            }
            row = []
            for f in fields:
                value = values.get(f.attname, f.get_default() if f.has_default() else None)
                row.append(f.get_db_prep_value(value, connection) if value is not None else None)
            batch.append(row)
            if len(batch) == 10_000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def main() -> None:
    custodian = setup()
    codes = [v.code for v in villages()]
    with timed() as load:
        load_residents(codes)
    say(f"loaded {RESIDENTS:,} residents into {len(codes)} villages in {load():.1f} s")
    upload_boundaries(custodian)

    from django.db import connection
    from django.test import Client

    client = Client()
    rng = random.Random(5)
    for code in codes[:5]:
        client.get(f"/villages/{code}/")
    samples = []
    for _i in range(100):
        code = rng.choice(codes)
        with timed() as t:
            response = client.get(f"/villages/{code}/")
        samples.append(t())
        assert response.status_code == 200
    baseline = []
    with connection.cursor() as cursor:
        for _i in range(100):
            code = rng.choice(codes)
            with timed() as t:
                cursor.execute(
                    "SELECT sex, COUNT(*) FROM registry_resident WHERE village_id = %s "
                    "AND status = 1 AND deleted_at IS NULL GROUP BY sex",
                    [code],
                )
                cursor.fetchall()
            baseline.append(t())
    say(latency_line(f"public village page, {RESIDENTS:,} residents (goal p95 <= 150 ms)", samples))
    say(latency_line("baseline: raw SQL count by sex of one village", baseline))


if __name__ == "__main__":
    main()
