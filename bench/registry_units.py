"""Benchmark: the resident and family lists of one hamlet, RW or RT, a regency loaded.

Run: .venv/bin/python bench/registry_units.py [ROWS]   (default 600,000; SQLite)
Goal (QA, ninth session): a unit filter on 600k residents well under 100 ms p95. Prints the
query plans of the operator's lists of one RT and the latencies, with the residents' village
index as shipped (holding the unit, migration 0020) and as it was before.
"""

from __future__ import annotations

import random
import secrets
import subprocess
import sys
from pathlib import Path

from common import latency_line, say, scratch_dir, setup_django, timed
from registry_population import REGENCY, import_run


def probes(village, operator, custodian, custodian_account):
    """(what is measured, who asks, the URLs asked) for the village's units."""
    from satudata.regions.models import LocalUnit
    from satudata.regions.services import add_local_unit
    from satudata.registry.models import Resident

    units = list(LocalUnit.objects.filter(village=village))
    rts = [u for u in units if u.level == "rt"] * 3
    hamlets = [u for u in units if u.level == "hamlet"] * 20
    empty = add_local_unit(custodian_account, village, "rt", "999", rts[0].parent_id)
    rng = random.Random(5)
    named = []
    for unit in rts[:60]:
        person = Resident.objects.filter(unit=unit).order_by("?").first()
        if person is not None:
            named.append((unit.pk, person.name[:4]))
    rng.shuffle(named)
    return [
        ("GET /registry/ (operator page, no filter: the baseline)", operator, ["/registry/"] * 60),
        (
            "GET /registry/?q=<name prefix> (operator page, no unit)",
            operator,
            [f"/registry/?q={prefix}" for _pk, prefix in named],
        ),
        (
            "GET /registry/?unit=<RT> (operator page)",
            operator,
            [f"/registry/?unit={u.pk}" for u in rts],
        ),
        (
            "GET /registry/?unit=<RT>&page=3 (operator page)",
            operator,
            [f"/registry/?unit={u.pk}&page=3" for u in rts],
        ),
        (
            "GET /registry/?unit=<hamlet> (operator page)",
            operator,
            [f"/registry/?unit={u.pk}" for u in hamlets],
        ),
        (
            "GET /registry/?unit=<RT>&q=<name prefix> (operator page)",
            operator,
            [f"/registry/?unit={pk}&q={prefix}" for pk, prefix in named],
        ),
        (
            "GET /registry/?unit=<empty RT> (operator page; worst case: the whole village read)",
            operator,
            [f"/registry/?unit={empty.pk}"] * 60,
        ),
        (
            "GET /registry/families/?unit=<RT> (operator page)",
            operator,
            [f"/registry/families/?unit={u.pk}" for u in rts],
        ),
        (
            "GET /api/v1/residents?unit=<RT> (operator)",
            operator,
            [f"/api/v1/residents?unit={u.pk}" for u in rts],
        ),
        (
            "GET /api/v1/residents?unit=<RT> (custodian, the unit's village)",
            custodian,
            [f"/api/v1/residents?unit={u.pk}" for u in rts],
        ),
        (
            "GET /api/v1/families?unit=<hamlet> (operator)",
            operator,
            [f"/api/v1/families?unit={u.pk}" for u in hamlets],
        ),
    ]


def plan(operator, unit_id: int, search=None) -> str:
    """SQLite's plan of the operator's first page of one RT (residents, or `search`)."""
    from django.db import connection

    from satudata.registry import services, units

    area = units.list_area(operator, None, unit_id)
    search = search or services.search_residents
    query = search(operator, "", area.village, area.unit_ids)[:51]
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "; ".join(row[-1] for row in cursor.fetchall())


def query_times(operator, unit_ids: list[int], page: int = 1) -> list[float]:
    """The operator's page of residents of each unit, the query alone (no page around it)."""
    from satudata.registry import services, units

    samples = []
    for unit_id in unit_ids:
        area = units.list_area(operator, None, unit_id)
        found = services.search_residents(operator, "", area.village, area.unit_ids)
        start = (page - 1) * 50
        with timed() as t:
            list(found.values_list("id", "name")[start : start + 51])
        samples.append(t())
    return samples


def measure(client, urls):
    for url in urls[:10]:
        client.get(url)
    samples = []
    for url in urls:
        with timed() as t:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        samples.append(t())
    return samples


def run(rows: int) -> None:
    csv_path = scratch_dir() / "penduduk.csv"
    subprocess.run(  # noqa: S603
        [
            sys.executable,
            str(Path(__file__).with_name("registry_population.py")),
            "--make",
            str(csv_path),
            str(rows),
        ],
        check=True,
    )
    setup_django()
    _seconds, report = import_run(csv_path, None)
    say(f"SQLite: {report.rows:,} residents imported")
    from django.db import connection
    from django.test import Client

    from satudata.accounts.models import User
    from satudata.accounts.services import create_account
    from satudata.regions.models import LocalUnit, Region
    from satudata.registry import services

    village = Region.objects.filter(code__startswith=REGENCY + ".", level=4).first()
    operator = create_account(
        None,
        username="op.bench",
        password=secrets.token_urlsafe(16),
        role=User.Role.VILLAGE_OPERATOR,
        region=village,
    )
    custodian = create_account(
        None, username="wali.bench", password=secrets.token_urlsafe(16), role=User.Role.CUSTODIAN
    )
    op, wali = Client(), Client()
    op.force_login(operator)
    wali.force_login(custodian)
    listed = probes(village, op, wali, custodian)
    rt = LocalUnit.objects.filter(village=village, level="rt").first()
    index = "resident_village_key_idx ON registry_resident"
    shapes = {
        "as shipped, index (village_id, name_key, id, unit_id)": (
            "village_id, name_key, id, unit_id"
        ),
        "as before, index (village_id, name_key)": "village_id, name_key",
    }
    builds: dict[str, list[float]] = {trial: [] for trial in shapes}
    for _round in range(3):  # alternately, so that the machine's load falls on both alike
        for trial, columns in shapes.items():
            with connection.cursor() as cursor:
                cursor.execute("DROP INDEX resident_village_key_idx")
                with timed() as t:
                    cursor.execute(f"CREATE INDEX {index} ({columns})")
            builds[trial].append(t())
    for trial, seconds in builds.items():
        say(f"SQLite {trial}: building it took " + ", ".join(f"{s:.2f}" for s in seconds) + " s")
    for trial, columns in shapes.items():
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX resident_village_key_idx")
            with timed() as t:
                cursor.execute(f"CREATE INDEX {index} ({columns})")
            cursor.execute("ANALYZE")
        say(f"SQLite {trial}: plan of the operator's RT page: {plan(operator, rt.pk)}")
        families = plan(operator, rt.pk, services.search_families)
        say(f"SQLite {trial}: plan of the operator's RT page of families: {families}")
        for level, page in (("rt", 1), ("rt", 3), ("hamlet", 1)):
            ids = (
                list(
                    LocalUnit.objects.filter(village=village, level=level).values_list(
                        "pk", flat=True
                    )
                )
                * 5
            )
            label = f"the query alone: page {page} of a unit ({level})"
            say(latency_line(f"SQLite {trial}: {label}", query_times(operator, ids, page)))
        empty = LocalUnit.objects.get(village=village, name="999").pk
        samples = query_times(operator, [empty] * 30)
        say(latency_line(f"SQLite {trial}: the query alone: an empty RT (whole village)", samples))
        for label, client, urls in listed:
            say(latency_line(f"SQLite {trial}: {label}", measure(client, urls)))


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 600_000)
