"""Benchmark: importing a regency of residents, then searching it and drawing its pyramid.

Run: .venv/bin/python bench/registry_population.py [ROWS]   (default 600,000)
Set BENCH_PG=postgres://postgres@127.0.0.1:5432/registry to add the PostgreSQL run
(that database is dropped and re-created).
Goals (issue "Population registry"): import ≤ 3× a raw sqlite3 executemany of the same rows
into an unindexed table (≤ 3× COPY on PostgreSQL), peak memory ≤ 500 MB; with the residents
loaded, search by name/NIK/KK and a village's family list p95 ≤ 100 ms, regency pyramid ≤ 200 ms
(measured on both databases, right after the import).
The OpenSID-format CSV is made by a child process, so its memory does not count here.
"""

from __future__ import annotations

import csv
import os
import random
import resource
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

from common import latency_line, say, scratch_dir, setup_django, timed

REGENCY = "61.12"  # Kubu Raya


def make_csv(path: str, rows: int) -> None:
    """Child process: write the synthetic regency as an OpenSID import file."""
    setup_django()
    from satudata.regions.loader import load_regions
    from satudata.regions.models import Region
    from satudata.registry.exporter import OPENSID_HEADER
    from satudata.registry.synthetic import Generator, opensid_rows

    load_regions(["61"])
    villages = list(
        Region.objects.filter(code__startswith=REGENCY + ".", level=4).values_list(
            "code", flat=True
        )
    )
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OPENSID_HEADER)
        writer.writerows(opensid_rows(Generator(2019).families(villages, rows)))


def raw_sqlite(path: Path) -> float:
    db = scratch_dir() / "raw.sqlite3"
    with timed() as t:
        con = sqlite3.connect(db)
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            con.execute(f"CREATE TABLE raw ({', '.join(h + ' TEXT' for h in header)})")
            marks = ", ".join("?" * len(header))
            con.executemany(f"INSERT INTO raw VALUES ({marks})", reader)  # noqa: S608
        con.commit()
        con.close()
    return t()


def raw_copy(url: str, path: Path) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        header = path.open(encoding="utf-8").readline().strip().split(",")
        con.execute("DROP TABLE IF EXISTS bench_raw")
        con.execute(f"CREATE TABLE bench_raw ({', '.join(h + ' text' for h in header)})")
        with (
            timed() as t,
            con.cursor() as cur,
            cur.copy("COPY bench_raw FROM STDIN (FORMAT csv, HEADER)") as copy,
            path.open("rb") as handle,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        con.execute("DROP TABLE bench_raw")
    return t()


def peak_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries the
    parent's peak into ru_maxrss across exec, so the PostgreSQL child (started by the SQLite
    run, which holds ~500 MB by then) would report the parent's figure."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_run(path: Path, database_url: str | None) -> tuple[float, object]:
    from satudata.regions.loader import load_regions
    from satudata.registry.importer import run_import

    load_regions(["61"])
    with timed() as t:
        report = run_import(path)
    assert report.committed and report.rejected == 0, (report.message, report.sample[:3])
    return t(), report


def queries(engine: str) -> None:
    """Latencies with the regency loaded; each line starts with the database's name."""
    from django.test import Client

    from satudata.accounts.models import User
    from satudata.accounts.services import create_account
    from satudata.regions.models import Region
    from satudata.registry.models import Family, Resident
    from satudata.registry.statistics import pyramid

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
    rng = random.Random(3)
    ids = Resident.objects.values_list("id", flat=True)
    top = ids.order_by("-id").first()
    picks = [Resident.objects.filter(id__gte=rng.randint(1, top)).first() for _ in range(120)]
    picks = [p for p in picks if p]
    local = list(Resident.objects.filter(village=village).order_by("?")[:120])
    families = {
        f.pk: f.family_number for f in Family.objects.filter(pk__in=[p.family_id for p in picks])
    }

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

    # (what is measured, who asks, the URLs asked): searches over the regency as the custodian,
    # the own village's pages as its operator.
    probes = [
        (
            "GET /api/v1/residents?q=<NIK> (custodian, whole regency)",
            wali,
            [f"/api/v1/residents?q={p.nik}" for p in picks],
        ),
        (
            "GET /api/v1/residents?q=<KK number> (custodian)",
            wali,
            [f"/api/v1/residents?q={families[p.family_id]}" for p in picks],
        ),
        (
            "GET /api/v1/residents?q=<name prefix> (custodian, whole regency)",
            wali,
            [f"/api/v1/residents?q={p.name[:4]}" for p in picks],
        ),
        (
            "GET /registry/?q=<name prefix> (operator page, own village)",
            op,
            [f"/registry/?q={p.name[:5]}" for p in local],
        ),
        (
            "GET /api/v1/families?village=<own> (operator, first 50)",
            op,
            [f"/api/v1/families?village={village.code}"] * 60,
        ),
        ("GET /registry/families/ (operator page)", op, ["/registry/families/"] * 60),
        (
            "GET /api/v1/families?q=<head's name prefix> (custodian, whole regency)",
            wali,
            [f"/api/v1/families?q={p.name[:4]}" for p in picks],
        ),
        (
            "GET /registry/families/?q=<head's name prefix> (operator page, own village)",
            op,
            [f"/registry/families/?q={p.name[:5]}" for p in local],
        ),
        (
            f"GET /api/v1/statistics/population?region={REGENCY} (anonymous, all six tables)",
            Client(),
            [f"/api/v1/statistics/population?region={REGENCY}"] * 12,
        ),
    ]
    for label, client, urls in probes:
        say(latency_line(f"{engine}: {label}", measure(client, urls)))
    samples = []
    for _ in range(15):
        with timed() as t:
            pyramid(REGENCY)
        samples.append(t())
    say(
        latency_line(
            f"{engine}: population pyramid of regency {REGENCY} (maintained cells)", samples
        )
        + " — goal <= 200 ms"
    )
    publishing(engine)


def publishing(engine: str) -> None:
    """The public statistics of every region, protected across levels, rebuilt after writes
    (at most once per refresh interval), against the one scan of residents it cannot avoid."""
    from django.db import connection
    from django.utils import timezone

    from satudata.registry import statistics

    rebuilds, scans = [], []
    for _ in range(3):
        with timed() as t:
            published = statistics.published(timezone.localdate())
        rebuilds.append(t())
        with timed() as t, connection.cursor() as cursor:
            cursor.execute(
                "SELECT village_id, COUNT(*) FROM registry_resident "
                "WHERE deleted_at IS NULL AND status = 1 GROUP BY village_id"
            )
            cursor.fetchall()
        scans.append(t())
    rebuild, scan = sorted(rebuilds)[1], sorted(scans)[1]
    hidden = sum(
        1
        for summary in published.values()
        for name in ("sex", *statistics.DIMENSIONS)
        for row in summary[name]
        if isinstance(row["count"], str)
    )
    say(
        f"{engine}: publishing the statistics of all {len(published)} regions (snapshot rebuild): "
        f"median {rebuild:.2f} s vs a raw GROUP BY village scan of the residents "
        f"{scan:.2f} s ({rebuild / scan:.1f}x); {hidden} table cells hidden"
    )


def run(rows: int, csv_path: Path | None, database_url: str | None) -> None:
    if csv_path is None:
        csv_path = scratch_dir() / "penduduk.csv"
        with timed() as t:
            subprocess.run(  # noqa: S603
                [sys.executable, __file__, "--make", str(csv_path), str(rows)], check=True
            )
        say(
            f"made {csv_path.stat().st_size / 2**20:.0f} MB OpenSID CSV with ~{rows:,} rows "
            f"in {t():.0f} s (child process)"
        )
    setup_django(database_url)
    engine = "PostgreSQL" if database_url else "SQLite"
    baseline = raw_copy(database_url, csv_path) if database_url else raw_sqlite(csv_path)
    seconds, report = import_run(csv_path, database_url)
    peak = peak_mb()
    name = "COPY" if database_url else "raw sqlite3 executemany, no indexes"
    say(
        f"{engine} import: {seconds:.1f} s for {report.rows:,} rows ({report.added:,} added); "
        f"baseline {name}: {baseline:.1f} s; ratio {seconds / baseline:.1f}x (goal <= 3x); "
        f"peak memory {peak:.0f} MB (goal <= 500 MB)"
    )
    if not database_url:
        with timed() as t:
            again = import_run(csv_path, None)[1]
        say(
            f"SQLite re-import of the same file: {t():.1f} s, {again.updated:,} updated, "
            f"{again.unchanged:,} unchanged, "
            f"{again.added} added"
        )
        queries(engine)
        pg = os.environ.get("BENCH_PG")
        if pg:
            _reset_pg(pg)
            subprocess.run(  # noqa: S603
                [sys.executable, __file__, "--pg", pg, str(csv_path), str(rows)], check=True
            )
    else:
        # Right after the import, as a user would search it (no ANALYZE of our own: the
        # import must leave the planner what it needs).
        queries(engine)


def _reset_pg(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}"')
        con.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--make":
        make_csv(args[1], int(args[2]))
    elif args and args[0] == "--pg":
        run(int(args[3]), Path(args[2]), args[1])
    else:
        run(int(args[0]) if args else 600_000, None, None)
