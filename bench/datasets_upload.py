"""Upload + validate a 1,000,000-row, 12-column CSV release vs a raw bulk load of the same rows;
then datastore_search (filtered, sorted page) p95 and package_search over 5,000 datasets p95.

    .venv/bin/python bench/datasets_upload.py            # SQLite (executemany baseline)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/datasets_bench \\
        .venv/bin/python bench/datasets_upload.py
"""

from __future__ import annotations

import os
import random
import resource
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import latency_line, say, setup_django, timed  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))


def make_csv(path: Path, codes: list[str]) -> None:
    rng = random.Random(1)
    with path.open("w", encoding="utf-8") as out:
        out.write(
            "kode_wilayah,tahun,bulan,jenis,jumlah,nilai,laki,perempuan,tanggal,aktif,nama,catatan\n"
        )
        for i in range(ROWS):
            out.write(
                f"{codes[i % len(codes)]},{2020 + i % 5},{1 + i % 12},{'abc'[i % 3]},{i % 1000},"
                f"{rng.random() * 100:.3f},{i % 50},{i % 70},"
                f"2024-{1 + i % 12:02d}-{1 + i % 28:02d},"
                f"{'ya' if i % 2 else 'tidak'},Nama {i},catatan {i % 97}\n"
            )


def main() -> None:
    url = os.environ.get("DATABASE_URL")
    setup_django(url)
    from django.db import connection
    from django.test import Client

    from satudata.accounts.models import Agency
    from satudata.accounts.services import create_account
    from satudata.datasets import services
    from satudata.datasets.models import Dataset, DatasetWord
    from satudata.regions.loader import load_regions

    load_regions(["62"])
    from satudata.regions.models import Region

    codes = list(Region.objects.filter(level=4).values_list("code", flat=True)[:500])
    agency = Agency.objects.create(slug="dinkes", name="Dinas Kesehatan", acronym="Dinkes")
    custodian = create_account(
        None,
        username="w",
        password="x-Bench-2026!",  # noqa: S106
        role="custodian",
    )
    services.create_code_list(custodian, "abc", "ABC", [("a", "A"), ("b", "B"), ("c", "C")])
    fields = [
        {"name": "kode_wilayah", "label": "Wilayah", "type": "region", "required": True},
        {"name": "tahun", "label": "Tahun", "type": "integer", "minimum": 2000},
        {"name": "bulan", "label": "Bulan", "type": "integer", "minimum": 1, "maximum": 12},
        {"name": "jenis", "label": "Jenis", "type": "code", "code_list": "abc"},
        {"name": "jumlah", "label": "Jumlah", "type": "integer", "filterable": True},
        {"name": "nilai", "label": "Nilai", "type": "number"},
        {"name": "laki", "label": "Laki", "type": "integer"},
        {"name": "perempuan", "label": "Perempuan", "type": "integer"},
        {"name": "tanggal", "label": "Tanggal", "type": "date"},
        {"name": "aktif", "label": "Aktif", "type": "boolean"},
        {"name": "nama", "label": "Nama", "type": "string"},
        {"name": "catatan", "label": "Catatan", "type": "string"},
    ]
    dataset = services.create_dataset(
        custodian, agency=agency, slug="bench", title="Bench", topic="health", fields=fields
    )
    folder = Path(tempfile.mkdtemp())
    path = folder / "data.csv"
    make_csv(path, codes)
    say(f"{ROWS:,} rows x 12 columns, {path.stat().st_size / 1e6:.0f} MB, {connection.vendor}")

    # Baseline: the same rows loaded raw (executemany of parsed tuples / COPY of the file).
    with connection.cursor() as cursor:
        cols = ", ".join(f'"{f["name"]}" TEXT' for f in fields)
        cursor.execute(f"CREATE TABLE raw_load ({cols})")
        with timed() as raw:
            if connection.vendor == "postgresql":
                copy_sql = "COPY raw_load FROM STDIN (FORMAT csv, HEADER)"
                with cursor.cursor.copy(copy_sql) as copy, path.open("rb") as handle:
                    while chunk := handle.read(1 << 20):
                        copy.write(chunk)
            else:
                import csv

                with path.open(encoding="utf-8") as handle:
                    reader = csv.reader(handle)
                    next(reader)
                    cursor.executemany(
                        f"INSERT INTO raw_load VALUES ({', '.join(['%s'] * 12)})",  # noqa: S608
                        reader,
                    )
    with timed() as ours:
        release = services.upload_release(custodian, dataset, path=path, fmt="csv", year=2024)
    assert release.status == "valid", release.report["problems"][:3]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    say(
        f"upload+validate {ours():.2f} s vs raw bulk load {raw():.2f} s: "
        f"ratio {ours() / raw():.2f}x (goal <= 3x); peak memory {peak:.0f} MB (goal <= 500 MB)"
    )
    services.submit(custodian, dataset)
    services.verify(custodian, dataset)
    services.publish(custodian, dataset)

    client = Client()
    samples = []
    for i in range(200):
        with timed() as t:
            r = client.get(
                "/api/3/action/datastore_search",
                {
                    "resource_id": str(release.uuid),
                    "filters": f'{{"kode_wilayah": "{codes[i % 50]}"}}',
                    "sort": "jumlah desc",
                    "limit": 20,
                    "offset": (i % 5) * 20,
                },
            )
        assert r.status_code == 200, r.content[:200]
        samples.append(t())
    say(latency_line("datastore_search filtered+sorted page (goal p95 <= 50 ms)", samples))

    # 5,000 datasets for package_search.
    topics = [t for t, _ in Dataset.Topic.choices]
    words = "air jalan sekolah puskesmas sampah izin bantuan penduduk desa pasar".split()
    for i in range(5000):
        d = Dataset.objects.create(
            agency=agency,
            slug=f"ds-{i}",
            title=f"Data {words[i % 10]} {i}",
            topic=topics[i % len(topics)],
            published_at="2024-01-01T00:00:00Z",
        )
        DatasetWord.objects.bulk_create(
            [DatasetWord(dataset=d, word=w) for w in ("data", words[i % 10], str(i))]
        )
    samples = []
    for i in range(200):
        params = {
            "q": words[i % 10] if i % 2 else "",
            "rows": 100,
            "start": [0, 1000, 2500, 4900][i % 4],
            "sort": "id asc",
            "facet.field": '["organization","groups"]',
        }
        with timed() as t:
            r = client.get("/api/3/action/package_search", params)
        assert r.status_code == 200, r.content[:200]
        samples.append(t())
    say(
        latency_line(
            "package_search over 5,000 datasets incl. start=4900 (goal p95 <= 50 ms)", samples
        )
    )


if __name__ == "__main__":
    main()
