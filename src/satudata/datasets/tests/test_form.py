"""Creating and editing a dataset and its schema through the workspace form."""

from __future__ import annotations

import html

import pytest

from satudata.audit.models import AuditEntry
from satudata.conftest import VILLAGE_A
from satudata.datasets.models import Dataset
from satudata.datasets.tests.conftest import upload

pytestmark = pytest.mark.django_db

NEW = "/workspace/datasets/new/"


def form_data(rows: list[dict], **meta) -> dict:
    data = {
        "slug": "sekolah-desa",
        "title": "Sekolah per desa",
        "description": "Jumlah sekolah menurut jenis.",
        "topic": "education",
        "frequency": "yearly",
        "license": "cc-by",
        "access_level": "open",
        "tags": "pendidikan, sekolah",
        "regions": "62.01",
        "temporal_start": "2020",
        "fields-TOTAL_FORMS": str(len(rows)),
        "fields-INITIAL_FORMS": "0",
        "fields-MIN_NUM_FORMS": "0",
        "fields-MAX_NUM_FORMS": "1000",
    }
    data.update(meta)
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"fields-{i}-{key}"] = value
    return data


GOOD_ROWS = [
    {"name": "kode_wilayah", "label": "Desa", "type": "region", "required": "on"},
    {"name": "jenis", "label": "Jenis", "type": "code", "code_list": "jenis-faskes"},
    {
        "name": "murid",
        "label": "Murid",
        "type": "integer",
        "unit": "orang",
        "minimum": "0",
        "filterable": "on",
    },
    {"name": "", "label": "", "type": ""},  # an unused row
]


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_producer_creates_a_draft_with_its_schema_and_edits_it(clients, cast, code_list):
    response = clients["producer_a"].post(NEW, form_data(GOOD_ROWS))
    assert response.status_code == 302, text(response)[:3000]
    dataset = Dataset.objects.get(slug="sekolah-desa")
    assert response["Location"] == f"/workspace/datasets/{dataset.slug}/"
    assert (dataset.agency, dataset.status, dataset.temporal_start) == (
        cast.agency_a,
        "draft",
        2020,
    )
    fields = list(dataset.fields.select_related("code_list"))
    assert [(f.name, f.type) for f in fields] == [
        ("kode_wilayah", "region"),
        ("jenis", "code"),
        ("murid", "integer"),
    ]
    assert fields[0].required and fields[1].code_list == code_list
    assert (fields[2].unit, fields[2].minimum, fields[2].filterable) == ("orang", 0.0, True)
    assert sorted(t.name for t in dataset.tags.all()) == ["pendidikan", "sekolah"]
    assert [r.code for r in dataset.regions.all()] == ["62.01"]
    entries = AuditEntry.objects.filter(model_label="datasets.dataset", object_pk=str(dataset.pk))
    assert {e.action for e in entries} == {"create", "update"}  # the record, then its schema
    assert all(e.actor_id == cast.producer_a.pk for e in entries)

    edit = f"/workspace/datasets/{dataset.slug}/edit/"
    page = text(clients["producer_a"].get(edit))
    assert 'value="kode_wilayah"' in page and 'value="pendidikan, sekolah"' in page
    rows = [*GOOD_ROWS[:3], {"name": "guru", "label": "Guru", "type": "integer"}]
    data = form_data(rows, title="Sekolah dan guru per desa", **{"fields-INITIAL_FORMS": "3"})
    data.pop("slug")
    response = clients["producer_a"].post(edit, data)
    assert response.status_code == 302, text(response).split("Mohon perbaiki:")[-1][:800]
    dataset.refresh_from_db()
    assert dataset.title == "Sekolah dan guru per desa" and dataset.slug == "sekolah-desa"
    assert [f.name for f in dataset.fields.all()] == ["kode_wilayah", "jenis", "murid", "guru"]
    changed = AuditEntry.objects.filter(
        model_label="datasets.dataset", object_pk=str(dataset.pk), action="update"
    )
    assert any(e.after.get("title") == "Sekolah dan guru per desa" for e in changed)


def test_bad_input_is_named_in_indonesian_and_nothing_is_stored(clients, cast, code_list):
    rows = [
        {"name": "Kode Wilayah", "label": "Desa", "type": "region"},
        {"name": "jenis", "label": "Jenis", "type": "code"},
        {"name": "murid", "label": "Murid", "type": "integer", "minimum": "10", "maximum": "5"},
        {"name": "pola", "label": "Pola", "type": "string", "pattern": "[a-"},
        {"name": "nilai", "label": "", "type": "number", "minimum": "banyak"},
    ]
    response = clients["producer_a"].post(NEW, form_data(rows, title=""))
    assert response.status_code == 400
    page = text(response)
    assert "Tidak ada yang disimpan" in page
    assert "Judul: Bidang ini tidak boleh kosong." in page
    assert "Kolom 1 (Kode Wilayah), Nama kolom: Gunakan huruf kecil" in page
    assert "Kolom 2 (jenis), Daftar kode: Kolom daftar kode memerlukan daftar kode." in page
    assert "Kolom 3 (murid), Maksimum: Nilai maksimum di bawah nilai minimum." in page
    assert "Kolom 4 (pola), Pola (ekspresi reguler): Pola tidak sah." in page
    assert "Kolom 5 (nilai), Label: Bidang ini tidak boleh kosong." in page
    assert "Kolom 5 (nilai), Minimum: Masukkan sebuah bilangan." in page
    assert not Dataset.all_objects.exists()

    twice = [GOOD_ROWS[0], dict(GOOD_ROWS[2], name="kode_wilayah")]
    page = text(clients["producer_a"].post(NEW, form_data(twice)))
    assert "Kolom 2 (kode_wilayah), Nama kolom: Kolom kode_wilayah muncul dua kali." in page
    unknown = text(clients["producer_a"].post(NEW, form_data(GOOD_ROWS, regions="99.99")))
    assert "Kode wilayah tidak dikenal: 99.99" in unknown
    assert not Dataset.all_objects.exists()


def test_producer_of_another_agency_is_refused(clients, cast, dataset):
    edit = f"/workspace/datasets/{dataset.slug}/edit/"
    assert clients["producer_b"].get(edit).status_code == 404
    data = form_data(GOOD_ROWS[:1], title="Diambil alih")
    data.pop("slug")
    assert clients["producer_b"].post(edit, data).status_code == 404
    dataset.refresh_from_db()
    assert dataset.title == "Fasilitas kesehatan per desa"
    # A producer cannot pick another agency: the field is not offered, a forged one is ignored.
    assert 'name="agency"' not in text(clients["producer_b"].get(NEW))
    forged = form_data([], slug="milik-dinkes", agency=str(cast.agency_a.pk))
    assert clients["producer_b"].post(NEW, forged).status_code == 302
    assert Dataset.objects.get(slug="milik-dinkes").agency == cast.agency_b
    for name in ("operator_a", "district_viewer"):
        assert clients[name].get(NEW).status_code == 403


def test_custodian_creates_for_any_agency(clients, cast, code_list):
    data = form_data(GOOD_ROWS[:1], agency=str(cast.agency_b.pk))
    assert clients["custodian"].post(NEW, data).status_code == 302
    assert Dataset.objects.get(slug="sekolah-desa").agency == cast.agency_b


def test_schema_is_shown_read_only_once_a_valid_release_exists(clients, cast, dataset, tmp_path):
    upload(cast.producer_a, dataset, tmp_path)
    edit = f"/workspace/datasets/{dataset.slug}/edit/"
    page = text(clients["producer_a"].get(edit))
    assert "Skema tidak dapat diubah" in page and "fields-TOTAL_FORMS" not in page
    data = form_data([], title="Judul baru", regions=VILLAGE_A)
    data.pop("slug")
    assert clients["producer_a"].post(edit, data).status_code == 302
    dataset.refresh_from_db()
    assert dataset.title == "Judul baru" and dataset.fields.count() == 7
