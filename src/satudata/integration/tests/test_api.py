"""The REST routes: connectors, run now and the run log, scoped like the caller's account."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from satudata.accounts.services import create_token
from satudata.datasets.models import Release
from satudata.integration import services
from satudata.integration.models import Connector
from satudata.integration.tests.conftest import GOOD_CSV, make_connector

NEW = {"name": "SIMPUS", "dataset": "kunjungan-puskesmas", "url": "http://127.0.0.1:9/k.csv"}


def test_a_producer_creates_a_connector_for_its_own_dataset_only(clients, dataset):
    ok = clients["producer_a"].post("/api/v1/connectors", NEW, content_type="application/json")
    assert ok.status_code == 201, ok.content
    assert ok.json()["agency"] == "dinkes"
    for name in ("producer_b", "operator_a", "district_viewer"):
        denied = clients[name].post("/api/v1/connectors", NEW, content_type="application/json")
        assert denied.status_code in (400, 403), name
    anonymous = clients["anonymous"].post(
        "/api/v1/connectors", NEW, content_type="application/json"
    )
    assert anonymous.status_code == 401
    assert Connector.objects.count() == 1


def test_a_mapping_onto_unknown_fields_is_refused_in_indonesian(clients, dataset):
    bad = {**NEW, "mapping": {"kolom": "tidak_ada"}}
    response = clients["producer_a"].post(
        "/api/v1/connectors", bad, content_type="application/json"
    )
    assert response.status_code == 400
    assert "Dataset tidak memiliki kolom tidak_ada" in response.json()["detail"]
    assert not Connector.objects.exists()


def test_connectors_and_runs_are_listed_only_within_scope(cast, clients, dataset, source):
    source.serve("/k.csv", GOOD_CSV)
    connector = make_connector(cast, dataset, source.url("/k.csv"))
    services.work_once()
    for name, count in [("producer_a", 1), ("custodian", 1), ("producer_b", 0), ("operator_a", 0)]:
        assert len(clients[name].get("/api/v1/connectors").json()) == count, name
        assert len(clients[name].get("/api/v1/connector-runs").json()) == count, name
    runs = clients["producer_a"].get(f"/api/v1/connectors/{connector.pk}/runs").json()
    assert runs[0]["status"] == "succeeded" and runs[0]["rows"] == 3
    assert runs[0]["release"] == str(Release.objects.get().uuid)
    assert clients["producer_b"].get(f"/api/v1/connectors/{connector.pk}/runs").status_code == 404
    assert clients["anonymous"].get("/api/v1/connector-runs").status_code == 401


def test_run_now_queues_one_run_for_the_worker(cast, clients, dataset, source):
    connector = make_connector(cast, dataset, source.url("/k.csv"))
    first = clients["producer_a"].post(f"/api/v1/connectors/{connector.pk}/run")
    again = clients["producer_a"].post(f"/api/v1/connectors/{connector.pk}/run")
    assert first.status_code == 202 and first.json()["status"] == "due"
    assert again.json()["id"] == first.json()["id"]
    assert clients["producer_b"].post(f"/api/v1/connectors/{connector.pk}/run").status_code == 404


@pytest.mark.parametrize("who, status", [("producer_a", 201), ("producer_b", 404), (None, 401)])
def test_an_agency_application_pushes_a_release_with_its_token(cast, dataset, who, status):
    """The datasets app's upload route is the push endpoint; another agency's token gets 404."""
    raw = create_token(getattr(cast, who), "aplikasi")[1] if who else "salah"
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    upload = SimpleUploadedFile("k.csv", GOOD_CSV.encode(), content_type="text/csv")
    response = client.post(
        f"/api/v1/datasets/{dataset.slug}/releases", {"year": 2025, "file": upload}
    )
    assert response.status_code == status, response.content
    assert Release.objects.filter(dataset=dataset).count() == (1 if status == 201 else 0)


def test_only_http_addresses_are_accepted_for_a_connector(clients, dataset):
    bad = {**NEW, "url": "ftp://127.0.0.1/k.csv"}
    response = clients["producer_a"].post(
        "/api/v1/connectors", bad, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["detail"].startswith("url:")
    assert not Connector.objects.exists()
