"""Schema checks live in the model, so the API gets the form's checks, naming the column."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from satudata.datasets.models import Dataset
from satudata.datasets.tests.conftest import GOOD_CSV

pytestmark = pytest.mark.django_db


def new(fields: list[dict]) -> dict:
    return {
        "slug": "pola",
        "title": "Pola",
        "agency": "dinkes",
        "topic": "health",
        "fields": fields,
    }


REGION = {"name": "kode_wilayah", "label": "Kode", "type": "region"}


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (
            {"name": "nilai", "label": "Nilai", "type": "number", "minimum": 10, "maximum": 1},
            "Kolom 2 (nilai), Maksimum: Nilai maksimum di bawah nilai minimum.",
        ),
        (
            {"name": "nik", "label": "NIK", "type": "string", "pattern": r"(?!0000)\d{16}"},
            "Kolom 2 (nik), Pola (ekspresi reguler): Pola tidak didukung: look-around",
        ),
        (
            {"name": "ulang", "label": "Ulang", "type": "string", "pattern": r"(a)\1"},
            "Kolom 2 (ulang), Pola (ekspresi reguler): Pola tidak didukung",
        ),
    ],
)
def test_the_api_refuses_what_the_form_refuses_and_names_the_column(clients, field, message):
    response = clients["producer_a"].post(
        "/api/v1/datasets", new([REGION, field]), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert message in response.json()["detail"]
    assert not Dataset.all_objects.filter(slug="pola").exists()


def test_the_form_refuses_a_pattern_polars_cannot_run(clients):
    from satudata.datasets.tests.test_form_empty_rows import page_form, problems

    data = page_form(clients["producer_a"], "/workspace/datasets/new/")
    data.update({"slug": "pola", "title": "Pola", "topic": "health"})
    data.update({"fields-0-name": "nik", "fields-0-label": "NIK", "fields-0-type": "string"})
    data["fields-0-pattern"] = r"(?<=62)\d+"
    response = clients["producer_a"].post("/workspace/datasets/new/", data)
    assert response.status_code == 400
    assert "Kolom 1 (nik), Pola (ekspresi reguler): Pola tidak didukung" in problems(response)


def test_a_supported_pattern_is_kept(clients):
    field = {"name": "nik", "label": "NIK", "type": "string", "pattern": r"\d{16}"}
    response = clients["producer_a"].post(
        "/api/v1/datasets", new([REGION, field]), content_type="application/json"
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("year", [99999, 1899, 2101])
def test_a_year_out_of_range_is_refused(clients, dataset, year):
    file = SimpleUploadedFile("d.csv", GOOD_CSV.encode(), content_type="text/csv")
    response = clients["producer_a"].post(
        f"/api/v1/datasets/{dataset.slug}/releases", {"year": year, "file": file}
    )
    assert response.status_code == 400, response.content
    assert "Tahun harus antara 1900 dan 2100." in response.json()["detail"]
    assert not dataset.releases.exists()
    page = clients["producer_a"].post(
        f"/workspace/datasets/{dataset.slug}/upload/",
        {"year": str(year), "file": SimpleUploadedFile("d.csv", GOOD_CSV.encode())},
        follow=True,
    )
    assert "Tahun harus antara 1900 dan 2100." in page.content.decode()
    assert not dataset.releases.exists()
