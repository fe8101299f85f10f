"""Pulling from another CKAN portal: a fake one on a local server, and our own on live_server."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from satudata.datasets.models import Release
from satudata.integration import ckan, services
from satudata.integration.tests.conftest import make_connector

RECORDS = [
    {"_id": i + 1, "kode_wilayah": code, "jumlah": i, "keterangan": f"r{i}"}
    for i, code in enumerate(["62.01.02.2016", "62.01.02.2012", "62.01.02.2018"] * 2)
]


def fake_portal(source, modified="2025-01-01T00:00:00", records=RECORDS):
    state = {"modified": modified, "records": records}

    def action(handler):
        url = urllib.parse.urlparse(handler.path)
        name = url.path.rsplit("/", 1)[-1]
        params = dict(urllib.parse.parse_qsl(url.query))
        if name == "package_show" and params.get("id") == "kunjungan":
            result = {
                "name": "kunjungan",
                "metadata_modified": state["modified"],
                "resources": [
                    {"id": "r-old", "datastore_active": False},
                    {"id": "r-1", "datastore_active": True},
                ],
            }
            body = {"success": True, "result": result}
        elif name == "datastore_search" and params.get("resource_id") == "r-1":
            offset, limit = int(params["offset"]), int(params["limit"])
            page = state["records"][offset : offset + limit]
            body = {"success": True, "result": {"records": page, "total": len(state["records"])}}
        else:
            body = {"success": False, "error": {"message": "Not found", "__type": "Not Found"}}
        data = json.dumps(body).encode()
        handler.send_response(200 if body["success"] else 404)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    for name in ("package_show", "datastore_search"):
        source.routes[f"/api/3/action/{name}"] = action
    return state


def ckan_connector(cast, dataset, source, **extra):
    return make_connector(
        cast, dataset, source.base, kind="ckan", ckan_dataset="kunjungan", **extra
    )


def test_a_ckan_resource_is_pulled_page_by_page(cast, dataset, source, monkeypatch):
    monkeypatch.setattr(ckan, "PAGE", 4)
    fake_portal(source)
    connector = ckan_connector(cast, dataset, source)
    services.work_once()
    run = connector.runs.get()
    assert run.status == "succeeded", run.messages
    assert run.rows == 6
    searches = [path for path, _headers in source.hits if "datastore_search" in path]
    assert len(searches) == 2 and "offset=4" in searches[1]


def test_an_unchanged_ckan_dataset_is_recorded_as_unchanged(cast, dataset, source):
    state = fake_portal(source)
    connector = ckan_connector(cast, dataset, source)
    services.work_once()
    services.request_run(cast.producer_a, connector)
    services.work_once()
    second = connector.runs.order_by("id").last()
    assert second.status == "unchanged"
    assert "metadata_modified 2025-01-01T00:00:00" in second.messages[0]
    state["modified"] = "2025-02-01T00:00:00"
    services.request_run(cast.producer_a, connector)
    services.work_once()
    assert connector.runs.order_by("id").last().status == "succeeded"
    assert Release.objects.filter(dataset=dataset).count() == 2


def test_an_unknown_ckan_dataset_names_the_portal_error(cast, dataset, source):
    fake_portal(source)
    connector = make_connector(cast, dataset, source.base, kind="ckan", ckan_dataset="tidak-ada")
    services.work_once()
    run = connector.runs.get(attempt=1)
    assert run.status == "failed"
    assert run.messages[0].startswith("Sumber menjawab dengan galat HTTP 404")


def test_ckan_rows_past_the_size_limit_are_refused(cast, dataset, source, monkeypatch):
    monkeypatch.setattr(ckan, "PAGE", 1)
    big = [{"kode_wilayah": "62.01.02.2016", "jumlah": 1, "keterangan": "x" * 400_000}] * 4
    fake_portal(source, records=big)
    connector = ckan_connector(cast, dataset, source, max_size_mb=1)
    services.work_once()
    run = connector.runs.get(attempt=1)
    assert "lebih dari batas 1 MB" in run.messages[0]
    assert not Release.objects.filter(dataset=dataset).exists()


@pytest.mark.django_db(transaction=True)
def test_our_own_ckan_api_is_a_source_for_a_connector(live_server, tmp_path):
    """Two agencies on one portal: Dinsos pulls Dinkes's published dataset through CKAN."""
    from satudata.accounts.models import Agency, User
    from satudata.conftest import make_user
    from satudata.datasets import services as datasets
    from satudata.integration.tests.conftest import FIELDS, GOOD_CSV
    from satudata.regions.loader import load_regions

    load_regions(["62"])  # transactional tests flush the database
    dinkes = Agency.objects.create(slug="dinkes", name="Dinas Kesehatan")
    dinsos = Agency.objects.create(slug="dinsos", name="Dinas Sosial")
    custodian = make_user("walidata", User.Role.CUSTODIAN)
    producer = make_user("produsen.a", User.Role.PRODUCER, agency=dinkes)
    other = make_user("produsen.b", User.Role.PRODUCER, agency=dinsos)
    common = {"topic": "health", "fields": FIELDS}
    published = datasets.create_dataset(
        producer, agency=dinkes, slug="sumber", title="Sumber", **common
    )
    path = tmp_path / "k.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    datasets.upload_release(producer, published, path=path, fmt="csv", year=2024)
    datasets.submit(producer, published)
    datasets.verify(custodian, published)
    datasets.publish(custodian, published)
    target = datasets.create_dataset(
        other, agency=dinsos, slug="salinan", title="Salinan", **common
    )
    connector = services.create_connector(
        other,
        name="Portal kabupaten",
        dataset=target,
        kind="ckan",
        url=live_server.url,
        ckan_dataset="sumber",
        year=2025,
    )
    services.work_once()
    run = connector.runs.get()
    assert run.status == "succeeded", run.messages
    assert run.rows == 3 and run.release.dataset == target
