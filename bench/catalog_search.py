"""Benchmark: long catalog searches (many words, many fq clauses) on the demo data.

Run: .venv/bin/python bench/catalog_search.py   (SQLite)
     BENCH_PG=postgres://postgres@127.0.0.1:5432/catalog .venv/bin/python bench/catalog_search.py
(that PostgreSQL database must exist and be empty; the numbers that matter are PostgreSQL's).
It sets up the demo deployment (`satudata demo --no-serve`) in a scratch folder, then times
each search against a one-word search of the same catalog (the baseline, in the same run).
Goal (ninth session QA): every public search answers under 1 s; more than 20 clauses are
refused at once (409); nothing the caps do not stop runs past the time limit (503).
Before the caps, on PostgreSQL: 24 words 8.8 s, 30 one-letter words 19.3 s, 120 fq 12.5 s.
"""

from __future__ import annotations

import io
import os
import string

from common import say, setup_django, timed

WORDS = (
    "demo data sintetis dinas desa bulan daerah kecamatan kesehatan kependudukan pencatatan "
    "badan perencanaan sipil pembangunan komunikasi media infrastruktur pelayanan sosial rumah "
    "hukum puskesmas penataan modal imunisasi penanaman asasi akta fasilitas umum lingkungan "
    "cakupan informatika layak dasar layanan satu investasi produk masyarakat jumlah pintu "
    "hidup penduduk kondisi jalan sekolah kelahiran kematian"
).split()
CASES = [
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
    setup_django(os.environ.get("BENCH_PG"))
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("demo", no_serve=True, stdout=io.StringIO())
    # Every request computed, none answered from the public cache.
    settings.SATUDATA_PUBLIC_CACHE_SECONDS = 0
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    say(f"database: {connection.vendor}")

    def seconds(path, params) -> tuple[float, int]:
        best, status = float("inf"), 0
        for _ in range(3):
            with timed() as elapsed:
                status = client.get(path, params).status_code
            best = min(best, elapsed())
        return best, status

    client.get("/data/", {"q": "demo"})  # warm-up
    baseline, _ = seconds("/data/", {"q": "demo"})
    slowest = 0.0
    for label, path, params in CASES:
        took, status = seconds(path, params)
        slowest = max(slowest, took)
        say(
            f"{label:<55} {took * 1000:7.1f} ms ({status}) vs one-word search "
            f"{baseline * 1000:.1f} ms "
            f"({took / baseline:.1f}x)"
        )
    say(f"slowest: {slowest * 1000:.1f} ms (goal < 1,000 ms)")


if __name__ == "__main__":
    main()
