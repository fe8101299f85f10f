"""Large uploads are read in blocks of whole records, validated and loaded frame by frame; the
catalog and datastore reads stay a fixed number of queries. Blocks are made tiny here so that
a few rows span many of them."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from satudata.datasets import validation
from satudata.datasets.datastore import table_name_for
from satudata.datasets.models import Dataset, Release
from satudata.datasets.tests.conftest import published, upload
from satudata.datasets.tests.test_releases import HEADER, table_rows

ROW = "62.01.02.2016,puskesmas,{n},0.5,2024-01-31,ya,baris {n}\n"


@pytest.fixture
def tiny_blocks(monkeypatch):
    monkeypatch.setattr(validation, "BLOCK_BYTES", 64)


def rows(count: int, start: int = 0) -> str:
    return "".join(ROW.format(n=n) for n in range(start, start + count))


def table_exists(name: str) -> bool:
    return name in connection.introspection.table_names()


def test_a_file_of_many_blocks_is_loaded_whole_in_order(cast, dataset, tmp_path, tiny_blocks):
    release = upload(cast.producer_a, dataset, tmp_path, HEADER + rows(50))
    assert release.status == "valid", release.report
    assert release.row_count == 50 and table_rows(release) == 50
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "jumlah" FROM "{release.table_name}" ORDER BY "_id"')
        assert [r[0] for r in cursor.fetchall()] == list(range(50))


def test_a_bad_row_in_a_later_block_names_its_line_and_stores_nothing(
    cast, dataset, tmp_path, tiny_blocks
):
    content = HEADER + rows(30) + "62.01.02.2016,puskesmas,tiga,,,,\n" + rows(5, 30)
    release = upload(cast.producer_a, dataset, tmp_path, content)
    assert release.status == "invalid" and release.table_name == ""
    assert release.row_count == 36
    problem = release.report["problems"][0]
    assert problem["row"] == 32 and problem["field"] == "jumlah"
    assert "Baris 32" in problem["message"] and "bukan bilangan bulat" in problem["message"]
    # The rows loaded from the earlier blocks were dropped with their table.
    assert not table_exists(table_name_for(release))
    assert Release.objects.exclude(status="invalid").count() == 0


def test_quoted_cells_with_newlines_and_commas_across_blocks(cast, dataset, tmp_path, tiny_blocks):
    quoted = '62.01.02.2016,pustu,7,,,,"dua\nbaris, dengan ""kutip"" dan koma"\n'
    content = HEADER + rows(3) + quoted + rows(3, 3)
    release = upload(cast.producer_a, dataset, tmp_path, content)
    assert release.status == "valid", release.report
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "keterangan" FROM "{release.table_name}" WHERE "jumlah" = 7')
        assert cursor.fetchone()[0] == 'dua\nbaris, dengan "kutip" dan koma'
    assert table_rows(release) == 7


def test_a_wrong_encoding_in_a_later_block_names_its_line(cast, dataset, tmp_path, tiny_blocks):
    content = (HEADER + rows(20)).encode() + "62.01.02.2016,pustu,1,,,,Caf\xe9\n".encode("latin-1")
    release = upload(cast.producer_a, dataset, tmp_path, content)
    assert release.status == "invalid"
    assert "bukan teks UTF-8 (baris 22)" in release.report["problems"][0]["message"]
    assert not table_exists(table_name_for(release))


def test_a_byte_order_mark_and_semicolons_are_understood(cast, dataset, tmp_path, tiny_blocks):
    content = "\ufeff" + (HEADER + rows(10)).replace(",", ";")
    release = upload(cast.producer_a, dataset, tmp_path, content)
    assert release.status == "valid", release.report
    assert table_rows(release) == 10


def _data_queries(captured) -> list[str]:
    """The statements that read data: not the public read's time limit, which PostgreSQL
    sets once per request (`SET LOCAL statement_timeout`, in a savepoint inside a test's
    transaction)."""
    fixed = ("SAVEPOINT", "RELEASE SAVEPOINT", "SET LOCAL STATEMENT_TIMEOUT")
    return [q["sql"] for q in captured if not q["sql"].upper().startswith(fixed)]


def test_package_search_queries_do_not_grow_with_the_page(client, cast, dataset, tmp_path):
    published(cast, dataset, tmp_path)
    for i in range(30):
        Dataset.objects.create(
            agency=cast.agency_a,
            slug=f"lain-{i}",
            title=f"Lain {i}",
            topic="health" if i % 2 else "education",
            published_at="2024-01-01T00:00:00Z",
        )
    params = {"rows": 100, "facet.field": '["organization","groups","license_id"]'}
    with CaptureQueriesContext(connection) as captured:
        body = client.get("/api/3/action/package_search", params).json()["result"]
    assert len(_data_queries(captured.captured_queries)) <= 10
    assert body["count"] == 31 and len(body["results"]) == 31
    assert body["facets"]["groups"] == {"health": 16, "education": 15}
    assert body["facets"]["organization"] == {cast.agency_a.slug: 31}
    assert body["facets"]["license_id"] == {"cc-by": 31}
    items = body["search_facets"]["groups"]["items"]
    assert [i["name"] for i in items] == ["health", "education"]
    assert items[0]["display_name"] == "Kesehatan"
    ours = next(r for r in body["results"] if r["name"] == dataset.slug)
    assert len(ours["resources"]) == 1
    resource = ours["resources"][0]
    base = f"http://testserver/data/{dataset.slug}/"
    assert resource["url"] == f"{base}r/{resource['id']}/download/csv/"
    assert ours["url"] == base


def test_datastore_totals_are_right_for_each_filter(client, cast, dataset, tmp_path):
    public = published(cast, dataset, tmp_path)
    resource = str(Release.objects.get(dataset=public).uuid)
    for jenis, expected in (("puskesmas", 2), ("pustu", 1), ("puskesmas", 2), ("rs", 0)):
        params = {"resource_id": resource, "filters": json.dumps({"jenis": jenis}), "limit": 1}
        body = client.get("/api/3/action/datastore_search", params).json()["result"]
        assert body["total"] == expected


def test_region_and_code_indexes_carry_the_filterable_column(cast, code_list, tmp_path):
    from satudata.datasets import services
    from satudata.datasets.tests.conftest import FIELDS

    marked = ("jumlah", "jenis")
    fields = [dict(f, filterable=True) if f["name"] in marked else f for f in FIELDS]
    dataset = services.create_dataset(
        cast.producer_a,
        agency=cast.agency_a,
        slug="indeks",
        title="Indeks",
        topic="health",
        fields=fields,
    )
    release = upload(cast.producer_a, dataset, tmp_path, HEADER + rows(40))
    assert release.status == "valid", release.report
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, release.table_name)
    indexes = {tuple(c["columns"]) for c in constraints.values() if c["index"]}
    # Region codes always, marked fields too; an unmarked date or code column has no index.
    assert {("kode_wilayah", "jumlah"), ("jenis", "jumlah"), ("jumlah",)} <= indexes
    assert not any("tanggal" in columns for columns in indexes)
    services.submit(cast.producer_a, dataset)
    services.verify(cast.custodian, dataset)
    services.publish(cast.custodian, dataset)
    params = {
        "resource_id": str(release.uuid),
        "filters": json.dumps({"kode_wilayah": "62.01.02.2016"}),
        "sort": "jumlah desc",
        "limit": 5,
        "offset": 5,
    }
    body = client_get(params)
    assert [r["jumlah"] for r in body["records"]] == [34, 33, 32, 31, 30]
    assert body["total"] == 40


def client_get(params):
    from django.test import Client

    response = Client().get("/api/3/action/datastore_search", params)
    assert response.status_code == 200, response.content
    return response.json()["result"]


def test_package_dicts_cached_per_data_version_follow_every_audited_change(
    client, cast, dataset, tmp_path, settings
):
    from django.core.cache import cache

    from satudata.datasets import services

    public = published(cast, dataset, tmp_path)
    cold = client.get("/api/3/action/package_search", {"rows": 10}).json()["result"]
    settings.SATUDATA_PUBLIC_CACHE_SECONDS = 30
    cache.clear()
    warm = client.get("/api/3/action/package_search", {"rows": 11}).json()["result"]
    assert warm["results"] == cold["results"] and warm["count"] == 1
    public.refresh_from_db()
    services.update_dataset(cast.producer_a, public, title="Judul baru")
    again = client.get("/api/3/action/package_search", {"rows": 12}).json()["result"]
    assert again["results"][0]["title"] == "Judul baru"
    services.delete_dataset(cast.producer_a, public)
    gone = client.get("/api/3/action/package_search", {"rows": 13}).json()["result"]
    assert gone["count"] == 0 and gone["results"] == []
