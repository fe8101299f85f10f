"""The CKAN packages stored at write time equal packages built live, after every kind of change."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import translation

from satudata.accounts.models import User
from satudata.audit.models import AuditEntry
from satudata.conftest import client_for
from satudata.datasets.ckan.dicts import package_dict
from satudata.datasets.models import Dataset, StoredPackage
from satudata.datasets.tests.test_form import GOOD_ROWS, form_data

CKAN = "/api/3/action/"
SLUG = "sekolah-desa"


def live(language: str, slug: str = SLUG) -> dict:
    """The package built now from the database, as the API must answer in `language`."""
    request = RequestFactory().get("/")  # the test client's host: http://testserver
    with translation.override(language):
        return json.loads(json.dumps(package_dict(request, Dataset.objects.get(slug=slug))))


def shown(client, language: str, published: bool) -> dict:
    """package_show's package, checked against package_search's copy once it is searchable."""
    header = {"HTTP_ACCEPT_LANGUAGE": language}
    response = client.get(CKAN + "package_show", {"id": SLUG}, **header)
    assert response.status_code == 200, response.content
    package = response.json()["result"]
    found = client.get(CKAN + "package_search", {"fq": f"name:{SLUG}"}, **header).json()
    assert found["result"]["results"] == ([package] if published else [])
    return package


def assert_fresh(client, published: bool = False) -> dict:
    for language in ("id", "en"):
        assert shown(client, language, published) == live(language)
    return live("id")


def _file(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("data.csv", text.encode(), content_type="text/csv")


def test_every_change_rewrites_the_stored_package(clients, cast, code_list):
    producer, custodian = clients["producer_a"], clients["custodian"]
    created = producer.post("/workspace/datasets/new/", form_data(GOOD_ROWS, slug=SLUG))
    assert created.status_code == 302
    dataset = Dataset.objects.get(slug=SLUG)
    assert StoredPackage.objects.filter(dataset=dataset).exists()
    first = assert_fresh(producer)
    assert first["groups"][0]["title"] == "Pendidikan" and first["resources"] == []
    english = shown(producer, "en", published=False)
    assert english["groups"][0]["title"] == "Education"

    # The workspace form: regions, licence (a translated title), tags.
    edit = f"/workspace/datasets/{SLUG}/edit/"
    data = form_data(
        GOOD_ROWS[:3],
        regions="62.01, 61.12",
        license="other-closed",
        tags="guru, sekolah",
        **{"fields-INITIAL_FORMS": "3"},
    )
    data.pop("slug")
    assert producer.post(edit, data).status_code == 302
    package = assert_fresh(producer)
    assert package["license_title"] == "Lainnya (tidak terbuka)"
    assert [t["name"] for t in package["tags"]] == ["guru", "sekolah"]

    # The REST API: title, topic, tags; then a release and every workflow step.
    url = f"/api/v1/datasets/{SLUG}"
    patch = {"title": "Sekolah dan guru", "topic": "health", "tags": ["murid"]}
    assert producer.patch(url, patch, content_type="application/json").status_code == 200
    assert assert_fresh(producer)["title"] == "Sekolah dan guru"
    upload = producer.post(url + "/releases", {"year": 2024, "file": _file(GOOD_CSV_SCHOOLS)})
    assert upload.json()["status"] == "valid", upload.content
    assert assert_fresh(producer)["resources"] == []  # valid, not yet published
    assert producer.post(url + "/submit").status_code == 200
    assert assert_fresh(producer)["extras"][-2] == {"key": "status", "value": "submitted"}
    comment = {"comment": "Lengkapi definisi."}
    assert (
        custodian.post(url + "/return", comment, content_type="application/json").status_code == 200
    )
    assert_fresh(producer)
    assert producer.post(url + "/submit").status_code == 200
    assert custodian.post(url + "/verify").status_code == 200
    assert_fresh(producer)
    assert custodian.post(url + "/publish").status_code == 200
    package = assert_fresh(producer, published=True)
    assert [r["period"] for r in package["resources"]] == ["2024"]
    assert package["resources"][0]["url"].startswith("http://testserver/data/sekolah-desa/")

    # A second release, published: a second resource.
    producer.post(url + "/releases", {"year": 2023, "file": _file(GOOD_CSV_SCHOOLS)})
    for step, who in (("submit", producer), ("verify", custodian), ("publish", custodian)):
        assert who.post(f"{url}/{step}").status_code == 200
    package = assert_fresh(producer, published=True)
    assert [r["period"] for r in package["resources"]] == ["2023", "2024"]

    # The agency renamed in the admin: its datasets' packages name it anew.
    admin = User.objects.create_superuser("admin", password="x-Admin-2026!")  # noqa: S106
    renamed = client_for(admin).post(
        f"/admin/accounts/agency/{cast.agency_a.pk}/change/",
        {"name": "Dinas Pendidikan", "acronym": "Disdik", "slug": "dinkes", "is_active": "on"},
    )
    assert renamed.status_code == 302, renamed.content[:500]
    assert assert_fresh(producer, published=True)["organization"]["title"] == "Dinas Pendidikan"
    assert assert_fresh(clients["anonymous"], published=True)["author"] == "Dinas Pendidikan"
    # The rename is audited, and the datasets are found by the new name only.
    entry = AuditEntry.objects.filter(model_label="accounts.agency").latest("id")
    assert entry.actor == admin and entry.after["name"] == "Dinas Pendidikan"
    assert entry.before["name"] != "Dinas Pendidikan"
    found = client_for(admin).get("/api/3/action/package_search", {"q": "pendidikan"}).json()
    assert found["result"]["count"] >= 1
    old_word = entry.before["acronym"].lower()  # Dinkes, now Disdik
    gone = client_for(admin).get("/api/3/action/package_search", {"q": old_word}).json()
    assert gone["result"]["count"] == 0


GOOD_CSV_SCHOOLS = "kode_wilayah,jenis,murid\n62.01.02.2016,puskesmas,20\n"


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_dataset_loaded_in_bulk_is_answered_live_and_stored_by_migrate(
    client, cast, dataset, tmp_path, language
):
    from satudata.datasets.tests.conftest import published

    published(cast, dataset, tmp_path)
    StoredPackage.objects.all().delete()  # as after a bulk load, or before this table
    header = {"HTTP_ACCEPT_LANGUAGE": language}
    found = client.get(CKAN + "package_search", {"q": "kesehatan"}, **header).json()["result"]
    assert found["results"] == [live(language, dataset.slug)]
    call_command("migrate", verbosity=0)
    assert StoredPackage.objects.filter(dataset=dataset).exists()
    found = client.get(CKAN + "package_search", {"q": "kesehatan", "_": 2}, **header).json()
    assert found["result"]["results"] == [live(language, dataset.slug)]
