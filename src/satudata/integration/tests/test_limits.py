"""A connector's limits are bounded on the server, on the form and in the API alike: a
producer cannot switch off the time limit, fill the disk or pull on every worker pass."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from satudata.integration.models import Connector
from satudata.integration.tests.conftest import CONNECTOR_FORM as FORM
from satudata.integration.tests.conftest import endless, make_connector

NEXT_YEAR = timezone.localdate().year + 1
TIMEOUT = "Batas waktu harus antara 1 dan 600 detik."
SIZE = "Batas ukuran harus antara 1 dan 200 MB."
INTERVAL = "Selang penarikan harus antara 5 menit dan satu tahun (527040 menit)."
YEAR = f"Tahun rilis harus antara 1900 dan {NEXT_YEAR}."
OUT_OF_BOUNDS = [
    ("timeout_seconds", 0, TIMEOUT),
    ("timeout_seconds", 601, TIMEOUT),
    ("max_size_mb", 0, SIZE),
    ("max_size_mb", 99999999, SIZE),
    ("interval_minutes", 0, INTERVAL),
    ("interval_minutes", 4, INTERVAL),
    ("year", 99999, YEAR),
    ("year", 1899, YEAR),
    ("year", NEXT_YEAR + 1, YEAR),
]
LARGEST = {"timeout_seconds": 600, "max_size_mb": 200, "interval_minutes": 5, "year": NEXT_YEAR}


def form_errors(response) -> dict[str, list[str]]:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


@pytest.mark.parametrize("field, value, message", OUT_OF_BOUNDS)
def test_the_form_refuses_values_out_of_bounds(clients, dataset, field, value, message):
    data = {**FORM, "dataset": dataset.pk, field: value}
    response = clients["producer_a"].post("/workspace/connectors/new/", data)
    assert response.status_code == 200
    assert form_errors(response) == {field: [message]}
    assert not Connector.objects.exists()


@pytest.mark.parametrize("field, value, message", OUT_OF_BOUNDS)
def test_the_api_refuses_values_out_of_bounds(clients, dataset, field, value, message):
    body = {"name": "SIMPUS", "dataset": dataset.slug, "url": FORM["url"], field: value}
    response = clients["producer_a"].post(
        "/api/v1/connectors", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == f"{field}: {message}"
    assert not Connector.objects.exists()


def test_the_bounds_themselves_are_accepted(clients, dataset):
    response = clients["producer_a"].post(
        "/workspace/connectors/new/", {**FORM, "dataset": dataset.pk, **LARGEST}
    )
    assert response.status_code == 302
    body = {"name": "B", "dataset": dataset.slug, "url": FORM["url"], **LARGEST}
    api = clients["producer_a"].post("/api/v1/connectors", body, content_type="application/json")
    assert api.status_code == 201, api.content


def test_editing_is_bounded_too(cast, clients, dataset):
    connector = make_connector(cast, dataset, FORM["url"])
    data = {**FORM, "dataset": dataset.pk, "timeout_seconds": 601}
    response = clients["producer_a"].post(f"/workspace/connectors/{connector.pk}/edit/", data)
    assert form_errors(response) == {"timeout_seconds": [TIMEOUT]}
    connector.refresh_from_db()
    assert connector.timeout_seconds == 30


def test_the_largest_size_limit_is_a_setting(clients, dataset, settings):
    settings.CONNECTOR_MAX_SIZE_MB = 500
    ok = clients["producer_a"].post(
        "/workspace/connectors/new/", {**FORM, "dataset": dataset.pk, "max_size_mb": 500}
    )
    assert ok.status_code == 302
    too_big = clients["producer_a"].post(
        "/workspace/connectors/new/", {**FORM, "dataset": dataset.pk, "max_size_mb": 501}
    )
    assert form_errors(too_big) == {"max_size_mb": ["Batas ukuran harus antara 1 dan 500 MB."]}


def test_limits_saved_before_the_bounds_are_kept_within_them(cast, dataset, source, settings):
    """A connector saved with a size limit of 99999999 MB and an interval of 0 minutes."""
    settings.CONNECTOR_MAX_SIZE_MB = 1
    source.routes["/besar.csv"] = endless
    connector = make_connector(cast, dataset, source.url("/besar.csv"))
    Connector.objects.filter(pk=connector.pk).update(max_size_mb=99999999, interval_minutes=0)
    before = timezone.now()
    call_command("worker", "--once")
    run = connector.runs.get()
    assert run.messages == ["Sumber berisi lebih dari batas 1 MB; tidak ada yang dimuat."]
    connector.refresh_from_db()
    assert connector.next_run_at >= before + datetime.timedelta(minutes=5)
