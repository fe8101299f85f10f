"""Pull a 100,000-row CSV from a local HTTP server through a connector (download, sniff,
mapping, the datasets validation and datastore load) vs the same file uploaded directly
through the datasets service; printed side by side with the ratio.

    .venv/bin/python bench/integration_pull.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/integration_bench \\
        .venv/bin/python bench/integration_pull.py
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import say, scratch_dir, setup_django, timed  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
FIELDS = [
    {"name": "kode_wilayah", "label": "Desa", "type": "region", "required": True},
    {"name": "tahun", "label": "Tahun", "type": "integer", "required": True},
    {"name": "jumlah", "label": "Jumlah", "type": "integer", "minimum": 0},
    {"name": "nilai", "label": "Nilai", "type": "number"},
    {"name": "tanggal", "label": "Tanggal", "type": "date"},
    {"name": "aktif", "label": "Aktif", "type": "boolean"},
    {"name": "keterangan", "label": "Keterangan", "type": "string"},
]


def make_csv(path: Path, codes: list[str], header: str) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(header + "\n")
        for i in range(ROWS):
            out.write(
                f"{codes[i % len(codes)]},{2020 + i % 5},{i % 1000},{i * 0.37:.2f},"
                f"2024-{1 + i % 12:02d}-{1 + i % 28:02d},{'ya' if i % 2 else 'tidak'},baris {i}\n"
            )


def main() -> None:
    # The benchmark's source is a server on this machine: an internal address, which
    # connectors refuse unless told otherwise.
    os.environ.setdefault("CONNECTOR_ALLOW_PRIVATE_ADDRESSES", "true")
    setup_django(os.environ.get("DATABASE_URL"))
    from django.db import connection

    from satudata.accounts.models import Agency
    from satudata.accounts.services import create_account
    from satudata.datasets import services as datasets
    from satudata.integration import services
    from satudata.regions.loader import load_regions
    from satudata.regions.models import Region

    load_regions(["62"])
    codes = list(Region.objects.filter(level=4).values_list("code", flat=True)[:500])
    agency = Agency.objects.create(slug="dinkes", name="Dinas Kesehatan")
    producer = create_account(
        None,
        username="p",
        password="x-Bench-2026!",  # noqa: S106
        role="producer",
        agency=agency,
    )
    folder = scratch_dir(prefix="satudata-bench-src-")
    direct_file = folder / "langsung.csv"
    make_csv(direct_file, codes, ",".join(f["name"] for f in FIELDS))
    # The agency's application names its columns its own way: the connector maps them.
    source_header = "kode_desa,tahun,total,nilai,tanggal,aktif,catatan"
    make_csv(folder / "simpus.csv", codes, source_header)
    mapping = {"kode_desa": "kode_wilayah", "total": "jumlah", "catatan": "keterangan"}
    size_mb = direct_file.stat().st_size / 1e6

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/simpus.csv"

    def dataset(slug):
        return datasets.create_dataset(
            producer, agency=agency, slug=slug, title=slug, topic="health", fields=FIELDS
        )

    target_direct, target_pull = dataset("langsung"), dataset("ditarik")
    say(f"{ROWS:,} rows, {len(FIELDS)} columns, {size_mb:.1f} MB CSV on {connection.vendor}")
    with timed() as direct:
        release = datasets.upload_release(
            producer, target_direct, path=direct_file, fmt="csv", year=2025
        )
    assert release.status == "valid", release.report
    connector = services.create_connector(
        producer, name="SIMPUS", dataset=target_pull, url=url, mapping=mapping, year=2025
    )
    with timed() as pull:
        runs = services.work_once()
    run = runs[0]
    assert run.status == "succeeded" and run.rows == ROWS, run.messages
    services.request_run(producer, connector)
    with timed() as unchanged:
        again = services.work_once()[0]
    server.shutdown()
    say(
        f"connector pull (HTTP + mapping + validation + load): {pull():.2f} s | "
        f"direct upload of the same file: {direct():.2f} s | ratio {pull() / direct():.2f}x"
    )
    say(
        f"second pull of the unchanged file ({again.status}, conditional GET): "
        f"{unchanged() * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
