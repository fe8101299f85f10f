"""REST v1 and the workflow: who may create, upload, submit, verify and publish."""

from __future__ import annotations

import pytest

from satudata.audit.models import AuditEntry
from satudata.datasets.models import Dataset
from satudata.datasets.tests.conftest import GOOD_CSV

NEW = {
    "slug": "sekolah",
    "title": "Sekolah per desa",
    "agency": "dinkes",
    "topic": "education",
    "fields": [
        {"name": "kode_wilayah", "label": "Desa", "type": "region", "required": True},
        {"name": "murid", "label": "Murid", "type": "integer"},
    ],
}


def test_a_producer_creates_a_dataset_for_its_own_agency_only(clients):
    ok = clients["producer_a"].post("/api/v1/datasets", NEW, content_type="application/json")
    assert ok.status_code == 201, ok.content
    other = clients["producer_b"].post(
        "/api/v1/datasets", {**NEW, "slug": "lain"}, content_type="application/json"
    )
    assert other.status_code == 403
    assert not Dataset.objects.filter(slug="lain").exists()
    assert (
        clients["anonymous"]
        .post("/api/v1/datasets", NEW, content_type="application/json")
        .status_code
        == 401
    )


def test_text_with_a_nul_character_is_refused_not_a_server_error(clients, cast):
    # PostgreSQL cannot store NUL; the body is refused before any query, on both databases.
    for body in ({**NEW, "agency": "din\x00kes"}, {**NEW, "title": "Sekolah\x00"}):
        response = clients["producer_a"].post(
            "/api/v1/datasets", body, content_type="application/json"
        )
        assert response.status_code == 400, response.content
    assert not Dataset.objects.filter(slug="sekolah").exists()


def test_a_producer_cannot_change_another_agencys_dataset(clients, dataset):
    response = clients["producer_b"].patch(
        f"/api/v1/datasets/{dataset.slug}", {"title": "Diubah"}, content_type="application/json"
    )
    assert response.status_code in (403, 404)
    dataset.refresh_from_db()
    assert dataset.title == "Fasilitas kesehatan per desa"


def test_unknown_or_read_only_fields_are_named_not_dropped(clients, dataset):
    response = clients["producer_a"].patch(
        f"/api/v1/datasets/{dataset.slug}",
        {"title": "Diubah", "status": "published", "agency": "dinsos"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "status" in response.json()["detail"] and "agency" in response.json()["detail"]
    dataset.refresh_from_db()
    assert dataset.title == "Fasilitas kesehatan per desa"


def test_refusals_are_said_in_the_apis_own_words(clients, cast, dataset, tmp_path):
    from satudata.datasets.tests.conftest import published

    published(cast, dataset, tmp_path)  # so that another agency sees it at all
    url = f"/api/v1/datasets/{dataset.slug}"
    producer = clients["producer_a"]
    blank = producer.patch(url, {"title": ""}, content_type="application/json")
    assert blank.json()["detail"] == "title: tidak boleh kosong"
    secret = producer.patch(url, {"access_level": "secret"}, content_type="application/json")
    # Refused by the request schema now (an enum), which names the accepted values.
    assert secret.status_code == 400
    assert secret.json()["detail"] == (
        "Permintaan tidak valid: access_level: bukan salah satu nilai yang diterima "
        "(open, limited, closed)"
    )
    reading = clients["producer_b"].get(url + "/releases")
    assert reading.status_code == 403 and "mengubah" not in reading.json()["detail"]
    dataset.refresh_from_db()
    assert dataset.title == "Fasilitas kesehatan per desa" and dataset.access_level == "open"


def test_the_whole_workflow_through_the_api_is_audited(clients, dataset):
    producer, custodian = clients["producer_a"], clients["custodian"]
    url = f"/api/v1/datasets/{dataset.slug}"
    assert producer.post(url + "/submit").status_code == 400  # no valid release yet
    upload = producer.post(url + "/releases", {"year": 2024, "file": _file("data.csv", GOOD_CSV)})
    assert upload.status_code == 201, upload.content
    assert upload.json()["status"] == "valid"
    assert producer.post(url + "/submit").json()["status"] == "submitted"
    assert producer.post(url + "/verify").status_code == 403
    returned = custodian.post(
        url + "/return", {"comment": "Lengkapi definisi."}, content_type="application/json"
    )
    assert returned.json()["status"] == "returned"
    assert returned.json()["review_comment"] == "Lengkapi definisi."
    assert producer.post(url + "/submit").json()["status"] == "submitted"
    assert custodian.post(url + "/verify").json()["status"] == "verified"
    assert custodian.post(url + "/publish").json()["status"] == "published"
    statuses = [
        e.after.get("status")
        for e in AuditEntry.objects.filter(model_label="datasets.dataset").order_by("id")
        if e.after and "status" in e.after and e.before
    ]
    assert statuses == ["submitted", "returned", "submitted", "verified", "published"]
    assert clients["anonymous"].get(f"/data/{dataset.slug}/").status_code == 200


def test_an_invalid_upload_returns_the_report(clients, dataset):
    response = clients["producer_a"].post(
        f"/api/v1/datasets/{dataset.slug}/releases",
        {"year": 2024, "file": _file("d.csv", "kode_wilayah,jenis,jumlah\n62.01.02.2016,rs,x\n")},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "invalid"
    assert body["report"]["problems"][0]["field"] == "jumlah"


def test_openapi_lists_the_dataset_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/datasets/{slug}/releases" in paths


def _file(name, text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.mark.parametrize("who", ["anonymous", "producer_b", "operator_a"])
def test_drafts_are_not_public(clients, dataset, who):
    assert clients[who].get(f"/data/{dataset.slug}/").status_code == 404
