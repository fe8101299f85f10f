"""Taking published data down: unpublish a dataset, withdraw a release, the reviewed
metadata a producer cannot open up, superseded versions, and the workspace's steps."""

from __future__ import annotations

import html

import pytest

from satudata.audit.models import AuditEntry
from satudata.datasets import services
from satudata.datasets.models import Dataset, Release
from satudata.datasets.tests.conftest import GOOD_CSV, published, upload
from satudata.datasets.tests.test_form_empty_rows import page_form

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def public_urls(dataset, release) -> list[str]:
    rid = release.uuid
    return [
        f"/data/{dataset.slug}/",
        f"/data/{dataset.slug}/r/{rid}/download/csv/",
        f"/data/{dataset.slug}/r/{rid}/download/json/",
        f"/data/{dataset.slug}/dcat.ttl",
        f"/api/3/action/package_show?id={dataset.slug}",
        f"/api/3/action/resource_show?id={rid}",
        f"/api/3/action/datastore_search?resource_id={rid}",
    ]


def seen_by(client, dataset, release) -> dict[str, int]:
    return {url: client.get(url).status_code for url in public_urls(dataset, release)}


def in_catalog(client, dataset) -> bool:
    names = client.get("/api/3/action/package_list").json()["result"]
    found = client.get("/api/3/action/package_search?q=fasilitas").json()["result"]["results"]
    return dataset.slug in names or any(p["name"] == dataset.slug for p in found)


@pytest.mark.parametrize("who", ["anonymous", "producer_b"])
def test_custodian_unpublishes_a_dataset_from_every_public_surface(
    clients, cast, dataset, tmp_path, who
):
    published(cast, dataset, tmp_path)
    release = dataset.releases.get()
    visitor = clients[who]
    assert set(seen_by(visitor, dataset, release).values()) == {200}
    assert in_catalog(visitor, dataset)
    manage = f"/workspace/datasets/{dataset.slug}/"
    page = text(clients["custodian"].get(manage))
    assert 'value="unpublish"' in page and 'value="verify"' not in page
    assert 'value="publish"' not in page

    empty = clients["custodian"].post(manage + "workflow/", {"step": "unpublish", "comment": " "})
    assert "alasan" in text(clients["custodian"].get(empty["Location"])).lower()
    assert Dataset.objects.get(pk=dataset.pk).published_at is not None

    reason = "Berisi NIK, tarik segera"
    clients["custodian"].post(manage + "workflow/", {"step": "unpublish", "comment": reason})
    dataset.refresh_from_db()
    assert (dataset.status, dataset.published_at) == ("returned", None)
    statuses = seen_by(visitor, dataset, release)
    assert all(code in (403, 404) for code in statuses.values()), statuses
    assert not in_catalog(visitor, dataset)
    sql = f'SELECT COUNT(*) FROM "{release.uuid}"'
    found = visitor.get("/api/3/action/datastore_search_sql", {"sql": sql})
    assert found.status_code in (403, 404, 409) and not found.json()["success"]
    # The producer sees why, and the step is in the history.
    assert reason in text(clients["producer_a"].get(manage))
    entry = AuditEntry.objects.filter(model_label="datasets.dataset").latest("id")
    assert entry.actor == cast.custodian and entry.after["review_comment"] == reason
    assert entry.after["published_at"] is None


def test_return_on_a_published_dataset_unpublishes_it_and_needs_a_new_review(
    clients, cast, dataset, tmp_path
):
    published(cast, dataset, tmp_path)
    url = f"/api/v1/datasets/{dataset.slug}"
    returned = clients["custodian"].post(
        url + "/return", {"comment": "Data salah"}, content_type="application/json"
    )
    assert returned.status_code == 200, returned.content
    assert returned.json()["status"] == "returned"
    assert clients["anonymous"].get(f"/data/{dataset.slug}/").status_code == 404
    dataset.refresh_from_db()
    assert dataset.releases.get().status == Release.Status.VALID
    # Back through the workflow, and public again.
    services.submit(cast.producer_a, dataset)
    services.verify(cast.custodian, dataset)
    services.publish(cast.custodian, dataset)
    assert clients["anonymous"].get(f"/data/{dataset.slug}/").status_code == 200


def test_a_resubmitted_dataset_that_is_returned_keeps_its_verified_releases_public(
    clients, cast, dataset, tmp_path
):
    published(cast, dataset, tmp_path)
    upload(cast.producer_a, dataset, tmp_path, year=2025)
    services.submit(cast.producer_a, dataset)
    services.return_for_correction(cast.custodian, dataset, "Tahun 2025 belum lengkap")
    assert clients["anonymous"].get(f"/data/{dataset.slug}/").status_code == 200
    shown = clients["anonymous"].get(f"/api/3/action/package_show?id={dataset.slug}").json()
    assert [r["name"] for r in shown["result"]["resources"]] != []
    assert all("2025" not in r["name"] for r in shown["result"]["resources"])


def test_custodian_withdraws_one_release(clients, cast, dataset, tmp_path):
    published(cast, dataset, tmp_path)
    upload(cast.producer_a, dataset, tmp_path, year=2023)
    services.submit(cast.producer_a, dataset)
    services.verify(cast.custodian, dataset)
    services.publish(cast.custodian, dataset)
    bad = dataset.releases.get(year=2024)
    kept = dataset.releases.get(year=2023)
    assert seen_by(clients["anonymous"], dataset, bad)[f"/data/{dataset.slug}/"] == 200
    report = f"/workspace/datasets/{dataset.slug}/releases/{bad.uuid}/"
    assert "Tarik rilis ini" not in text(clients["producer_a"].get(report))
    assert clients["producer_a"].post(report + "withdraw/", {"reason": "x"}).status_code == 403
    assert "Tarik rilis ini" in text(clients["custodian"].get(report))
    clients["custodian"].post(report + "withdraw/", {"reason": ""})
    assert Release.objects.get(pk=bad.pk).status == Release.Status.PUBLISHED
    reason = "Kolom keterangan memuat alamat"
    response = clients["custodian"].post(report + "withdraw/", {"reason": reason})
    assert response.status_code == 302
    bad.refresh_from_db()
    assert (bad.status, bad.withdrawn_reason) == ("withdrawn", reason)
    statuses = seen_by(clients["anonymous"], dataset, bad)
    assert statuses.pop(f"/data/{dataset.slug}/") == 200  # the dataset stays, with 2023
    assert statuses.pop(f"/data/{dataset.slug}/dcat.ttl") == 200
    assert statuses.pop(f"/api/3/action/package_show?id={dataset.slug}") == 200
    assert all(code in (403, 404) for code in statuses.values()), statuses
    shown = clients["anonymous"].get(f"/api/3/action/package_show?id={dataset.slug}").json()
    assert [r["id"] for r in shown["result"]["resources"]] == [str(kept.uuid)]
    assert str(bad.uuid) not in text(clients["anonymous"].get(f"/data/{dataset.slug}/"))
    # Not even the agency reads it any more; the producer sees why.
    own = clients["producer_a"].get(f"/data/{dataset.slug}/r/{bad.uuid}/download/csv/")
    assert own.status_code == 404
    assert reason in text(clients["producer_a"].get(f"/workspace/datasets/{dataset.slug}/"))
    assert AuditEntry.objects.filter(
        model_label="datasets.release", object_pk=str(bad.pk), after__status="withdrawn"
    ).exists()


def test_only_the_newest_valid_version_of_a_period_is_public(clients, cast, dataset, tmp_path):
    first = upload(cast.producer_a, dataset, tmp_path)
    wrong = upload(cast.producer_a, dataset, tmp_path, content="kode_wilayah\nx\n")
    second = upload(cast.producer_a, dataset, tmp_path, content=GOOD_CSV)
    # A failed upload does not use up a version number.
    assert (first.version, wrong.version, second.version) == (1, 2, 2)
    services.submit(cast.producer_a, dataset)
    services.verify(cast.custodian, dataset)
    services.publish(cast.custodian, dataset)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("superseded", "published")
    shown = clients["anonymous"].get(f"/api/3/action/package_show?id={dataset.slug}").json()
    assert [r["id"] for r in shown["result"]["resources"]] == [str(second.uuid)]
    old = f"/data/{dataset.slug}/r/{first.uuid}/download/csv/"
    assert clients["anonymous"].get(old).status_code == 404


def test_producer_cannot_open_up_a_published_dataset(clients, cast, dataset, tmp_path):
    dataset = services.update_dataset(cast.custodian, dataset, access_level="closed")
    published(cast, dataset, tmp_path)
    edit = f"/workspace/datasets/{dataset.slug}/edit/"
    data = page_form(clients["producer_a"], edit)
    data["access_level"] = "open"
    response = clients["producer_a"].post(edit, data)
    assert response.status_code == 400
    assert "walidata" in text(response)
    data["access_level"], data["license"] = "closed", "cc-zero"
    assert clients["producer_a"].post(edit, data).status_code == 400
    dataset.refresh_from_db()
    assert (dataset.access_level, dataset.license) == ("closed", "cc-by")
    assert clients["anonymous"].get(f"/data/{dataset.slug}/").status_code == 404
    # The API goes through the same service.
    api = clients["producer_a"].patch(
        f"/api/v1/datasets/{dataset.slug}",
        {"access_level": "open"},
        content_type="application/json",
    )
    assert api.status_code == 400
    dataset.refresh_from_db()
    assert dataset.access_level == "closed"
    # Title edits stay the producer's, recorded in the history; the custodian may open it up.
    data["license"], data["title"] = "cc-by", "Judul diperbaiki"
    assert clients["producer_a"].post(edit, data).status_code == 302
    services.update_dataset(cast.custodian, dataset, access_level="open")
    assert clients["anonymous"].get(f"/data/{dataset.slug}/").status_code == 200


def test_producer_may_make_a_published_dataset_stricter(clients, cast, dataset, tmp_path):
    published(cast, dataset, tmp_path)
    services.update_dataset(cast.producer_a, dataset, access_level="limited")
    assert clients["anonymous"].get(f"/data/{dataset.slug}/").status_code == 404


def test_a_verified_dataset_cannot_be_opened_before_publication(cast, dataset, tmp_path):
    dataset = services.update_dataset(cast.producer_a, dataset, access_level="closed")
    upload(cast.producer_a, dataset, tmp_path)
    services.submit(cast.producer_a, dataset)
    services.verify(cast.custodian, dataset)
    with pytest.raises(services.ValidationError) as refused:
        services.update_dataset(cast.producer_a, dataset, access_level="open")
    assert "access_level" in refused.value.message_dict


def test_workspace_offers_only_the_steps_of_the_status(clients, cast, dataset, tmp_path):
    manage = f"/workspace/datasets/{dataset.slug}/"

    def buttons(who):
        page = text(clients[who].get(manage))
        steps = ("submit", "verify", "publish", "return", "unpublish")
        return [s for s in steps if f'name="step" value="{s}"' in page]

    upload(cast.producer_a, dataset, tmp_path)
    assert buttons("producer_a") == ["submit"]
    services.submit(cast.producer_a, dataset)
    assert buttons("producer_a") == []
    assert buttons("custodian") == ["verify", "return"]
    services.verify(cast.custodian, dataset)
    assert buttons("custodian") == ["publish", "return"]
    services.publish(cast.custodian, dataset)
    assert buttons("custodian") == ["submit", "unpublish"]
    assert buttons("producer_a") == ["submit"]


def test_a_refused_step_reads_naturally(clients, cast, dataset, tmp_path):
    published(cast, dataset, tmp_path)
    manage = f"/workspace/datasets/{dataset.slug}/"
    response = clients["custodian"].post(manage + "workflow/", {"step": "verify"}, follow=True)
    assert "Dataset berstatus “terbit” tidak dapat diverifikasi." in text(response)


def test_programs_unpublish_and_withdraw_through_the_api(clients, cast, dataset, tmp_path):
    published(cast, dataset, tmp_path)
    release = dataset.releases.get()
    base = f"/api/v1/datasets/{dataset.slug}"
    withdraw = f"{base}/releases/{release.uuid}/withdraw"
    json = "application/json"
    # Only the custodian; a reason is required; an unknown release is 404.
    refused = clients["producer_a"].post(withdraw, {"reason": "x"}, content_type=json)
    assert refused.status_code == 403
    blank = clients["custodian"].post(withdraw, {"reason": " "}, content_type=json)
    assert blank.status_code == 400 and "alasan" in blank.json()["detail"].lower()
    unknown = clients["custodian"].post(
        f"{base}/releases/00000000-0000-0000-0000-000000000000/withdraw",
        {"reason": "x"},
        content_type=json,
    )
    assert unknown.status_code == 404
    assert clients["anonymous"].get(f"/data/{dataset.slug}/").status_code == 200

    taken = clients["custodian"].post(withdraw, {"reason": "Memuat NIK"}, content_type=json)
    assert taken.status_code == 200 and taken.json()["status"] == "withdrawn"
    rid = release.uuid
    resource = clients["anonymous"].get(f"/api/3/action/resource_show?id={rid}")
    assert resource.status_code == 404

    down = clients["custodian"].post(
        f"{base}/unpublish", {"comment": "Ditinjau ulang"}, content_type=json
    )
    assert down.status_code == 200 and down.json()["status"] == "returned"
    assert clients["anonymous"].get(f"/data/{dataset.slug}/").status_code == 404
    again = clients["custodian"].post(f"{base}/unpublish", {"comment": "x"}, content_type=json)
    assert again.status_code == 400  # no longer published
