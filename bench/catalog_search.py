"""Benchmark: long catalog searches (many words, many fq clauses) on a demo database.

Run against a database set up by `satudata demo --no-serve` (PostgreSQL for the numbers
that matter):
    DATABASE_URL=postgres://… SATUDATA_HOME=<its data folder> \
        .venv/bin/python bench/catalog_search.py
Goal (ninth session QA): every public search answers well under 1 s; a query the caps do
not stop ends at the statement time limit (503), never minutes later.
Give each request 30 s (PGOPTIONS="-c statement_timeout=30000"), so a run of the old code
ends; the old code's numbers come from the same script with PYTHONPATH at the old source.
"""

from __future__ import annotations

import os
import string

from common import say, timed

WORDS = (
    "demo data sintetis dinas desa bulan daerah kecamatan kesehatan kependudukan pencatatan "
    "badan perencanaan sipil pembangunan komunikasi media infrastruktur pelayanan sosial rumah "
    "hukum puskesmas penataan modal imunisasi penanaman asasi akta fasilitas umum lingkungan "
    "cakupan informatika layak dasar layanan satu investasi produk masyarakat jumlah pintu "
    "hidup penduduk kondisi jalan sekolah kelahiran kematian"
).split()
CASES = [
    ("warm-up: /data/?q=demo", "/data/", {"q": "demo"}),
    ("/data/?q=<15 words>", "/data/", {"q": " ".join(WORDS[:15])}),
    ("/data/?q=<24 words>", "/data/", {"q": " ".join(WORDS[:24])}),
    ("/data/?q=<30 one-letter words>", "/data/", {"q": " ".join(string.ascii_lowercase + "0123")}),
    ("/data/?q=<50 words>", "/data/", {"q": " ".join(WORDS[:50])}),
    (
        "package_search q=<25 letters> facet year, res_format",
        "/api/3/action/package_search",
        {"q": " ".join(string.ascii_lowercase[:25]), "facet.field": ["year", "res_format"]},
    ),
    *(
        (
            f"package_search fq=tags:tN x{n}",
            "/api/3/action/package_search",
            {"fq": [f"tags:t{i}" for i in range(n)]},
        )
        for n in (20, 80, 120)
    ),
]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satudata.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    say(f"database: {connection.vendor}")
    for label, path, params in CASES:
        try:
            with timed() as elapsed:
                response = client.get(path, params)
            outcome = str(response.status_code)
        except Exception as exc:  # the old code's 500 after 30 s
            outcome = type(exc).__name__
            connection.close()
        say(f"{label:<55} {elapsed():7.2f} s  {outcome}")


if __name__ == "__main__":
    main()
