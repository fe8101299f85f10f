"""Registry API answers at the edges (QA report on the API, items 4, 7 and 11): huge ids,
the `village` filter's codes, conflicts a program can tell apart, the kinds of an event."""

from __future__ import annotations

import json

import pytest

from satudata.audit.models import AuditEntry
from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.registry.models import Resident
from satudata.registry.tests.helpers import kk_for, registry_snapshot, resident_data

pytestmark = pytest.mark.django_db

HUGE = 31906401593856442236928  # past 2**63: SQLite cannot even bind it (OverflowError)


def send(client, method, url, data):
    return getattr(client, method)(
        url, json.dumps(data, default=str), content_type="application/json"
    )


def _bodies(household) -> list[tuple[str, str, dict, str]]:
    """(method, url, a valid body, the id field to make huge) for every id of every body."""
    family, head, wife, daughter = household
    person = {**resident_data(name="Ani", relationship=4), "village": VILLAGE_A}
    split = {"members": [wife.pk], "new_head": wife.pk, "family_number": kk_for(serial=78)}
    move_in = {"village": VILLAGE_A, "nik": resident_data(name="B")["nik"]}
    new_family = {"village": VILLAGE_A, "family_number": kk_for(serial=77)}
    return [
        ("post", "/api/v1/residents", person, "family"),
        ("post", "/api/v1/residents", person, "unit"),
        ("patch", f"/api/v1/residents/{wife.pk}", {"version": wife.version}, "unit"),
        ("patch", f"/api/v1/families/{family.pk}", {"version": family.version}, "unit"),
        ("post", "/api/v1/families", new_family, "unit"),
        ("post", f"/api/v1/families/{family.pk}/split", split, "new_head"),
        ("post", f"/api/v1/families/{family.pk}/head", {"new_head": wife.pk}, "new_head"),
        ("post", f"/api/v1/residents/{daughter.pk}/family", {"relationship": 4}, "family"),
        ("post", "/api/v1/move-ins", move_in, "family"),
        ("post", "/api/v1/move-ins", move_in, "unit"),
        ("post", f"/api/v1/regions/{VILLAGE_A}/units", {"level": "hamlet", "name": "D"}, "parent"),
    ]


def test_a_huge_id_in_any_body_is_a_400_naming_the_field(clients, household):
    client = clients["operator_a"]
    before = registry_snapshot()
    for method, url, body, field in _bodies(household):
        response = send(client, method, url, {**body, field: HUGE})
        assert response.status_code == 400, (url, field, response.content)
        assert [e["field"] for e in response.json()["errors"]] == [field], (url, field)
    assert registry_snapshot() == before


def test_a_huge_member_id_of_a_split_is_a_400_not_a_server_error(clients, household):
    family, head, wife, daughter = household
    before = registry_snapshot()
    response = send(
        clients["operator_a"],
        "post",
        f"/api/v1/families/{family.pk}/split",
        {"members": [HUGE], "new_head": wife.pk, "family_number": kk_for(serial=79)},
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == "members.0"
    assert "members" in response.json()["detail"]
    assert registry_snapshot() == before


def test_an_unknown_family_or_rt_id_is_refused_not_dropped(clients, household):
    """A person registered off the card they were meant for is wrong data, silently."""
    client = clients["operator_a"]
    before = registry_snapshot()
    person = {**resident_data(name="Ani", relationship=4), "village": VILLAGE_A}
    no_family = send(client, "post", "/api/v1/residents", {**person, "family": 999_999})
    assert no_family.status_code == 404, no_family.content
    no_unit = send(client, "post", "/api/v1/residents", {**person, "unit": 999_999})
    assert no_unit.status_code == 400 and "RT" in no_unit.json()["detail"]
    card = {"village": VILLAGE_A, "family_number": kk_for(serial=80), "unit": 999_999}
    assert send(client, "post", "/api/v1/families", card).status_code == 400
    assert registry_snapshot() == before
    # Scope is still checked first: another village's operator is refused as before.
    other = send(clients["operator_b"], "post", "/api/v1/residents", {**person, "unit": 999_999})
    assert other.status_code == 403


@pytest.mark.parametrize("url", ["/api/v1/residents", "/api/v1/families"])
def test_the_village_filter_answers_400_for_a_malformed_code_and_404_for_an_unknown_one(
    clients, household, url
):
    client = clients["operator_a"]
    malformed = client.get(f"{url}?village=xyz")
    assert malformed.status_code == 400
    assert malformed.json()["detail"].startswith("village: xyz bukan kode wilayah")
    unknown = client.get(f"{url}?village=99.99.99.9999")
    assert unknown.status_code == 404
    detail = unknown.json()["detail"]
    assert detail == "village: tidak ada desa/kelurahan dengan kode 99.99.99.9999."
    district = client.get(f"{url}?village=62.01.02")  # a region, but not a village
    assert district.status_code == 404
    # Both forms of a real code find the village's records; scope is as before.
    for code in (VILLAGE_A, VILLAGE_A.replace(".", "")):
        assert client.get(f"{url}?village={code}").json()["count"] > 0
    assert client.get(f"{url}?village={VILLAGE_B}").json()["count"] == 0
    outsider = clients["operator_b"].get(f"{url}?village={VILLAGE_A}")
    assert outsider.status_code == 200 and outsider.json()["count"] == 0


@pytest.mark.parametrize("url", ["/api/v1/residents", "/api/v1/families"])
def test_an_unknown_filter_is_a_400_not_the_whole_village(clients, household, url):
    family, head, wife, daughter = household
    client = clients["operator_a"]
    refused = client.get(url, {"nik": wife.nik, "limit": 5})
    assert refused.status_code == 400
    detail = refused.json()["detail"]
    assert detail.startswith("Parameter tidak dikenal: nik.")
    assert "q, village, unit, limit, offset" in detail
    assert wife.nik not in detail  # the value is not echoed back
    found = client.get(url, {"q": wife.nik if url.endswith("residents") else family.family_number})
    assert found.status_code == 200 and found.json()["count"] == 1


def test_a_nik_already_in_this_village_is_a_409_like_another_villages(clients, household):
    family, head, wife, daughter = household
    before = registry_snapshot()
    data = {**resident_data(name="Lagi", nik=wife.nik, relationship=4), "village": VILLAGE_A}
    response = send(clients["operator_a"], "post", "/api/v1/residents", data)
    assert response.status_code == 409, response.content
    assert response.json() == {
        "detail": "NIK: sudah terdaftar di desa ini.",
        "type": "nik_here",
        "version": None,
    }
    assert registry_snapshot() == before
    elsewhere = {**data, "village": VILLAGE_B}
    other = send(clients["operator_b"], "post", "/api/v1/residents", elsewhere)
    assert other.status_code == 409 and other.json()["type"] == "nik_elsewhere"


def test_a_stale_version_is_a_409_with_the_stored_version_and_nothing_changes(clients, household):
    family, head, wife, daughter = household
    client = clients["operator_a"]
    url = f"/api/v1/residents/{wife.pk}"
    assert send(client, "patch", url, {"version": 1, "occupation": 5}).status_code == 200
    entries = AuditEntry.objects.count()
    stale = send(client, "patch", url, {"version": 1, "occupation": 7})
    assert stale.status_code == 409
    body = stale.json()
    assert body["type"] == "version_conflict" and body["version"] == 2
    assert body["detail"].startswith("Orang lain sudah mengubah data penduduk ini (versi 2")
    assert Resident.objects.get(pk=wife.pk).occupation == 5
    assert AuditEntry.objects.count() == entries
    # Wrong data stays a 400: the client must fix it, not retry.
    assert send(client, "patch", url, {"version": 2, "occupation": 999}).status_code == 400


def test_the_openapi_document_lists_conflicts_and_event_kinds(client):
    document = client.get("/api/v1/openapi.json").json()
    patch = document["paths"]["/api/v1/residents/{resident_id}"]["patch"]["responses"]
    conflict = patch["409"]["content"]["application/json"]["schema"]["$ref"]
    assert conflict.endswith("/ConflictOut")
    post = document["paths"]["/api/v1/residents"]["post"]["responses"]
    assert post["409"]["content"]["application/json"]["schema"]["$ref"] == conflict
    kind = document["components"]["schemas"]["EventIn"]["properties"]["kind"]
    assert kind["enum"] == ["death", "move_out", "correction"]


def test_an_unknown_event_kind_is_refused_naming_kind(clients, household):
    family, head, wife, daughter = household
    before = registry_snapshot()
    response = send(
        clients["operator_a"], "post", f"/api/v1/residents/{wife.pk}/events", {"kind": "birth"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "kind"
    assert "kind: bukan salah satu nilai yang diterima" in response.json()["detail"]
    assert registry_snapshot() == before


def test_a_long_note_or_place_of_an_event_is_refused_naming_it(clients, household):
    # QA 2026-11-24: SQLite kept 100,000 characters in a 200-character column, PostgreSQL
    # answered 500 (value too long), and a correction's reason was cut without a word.
    family, head, wife, daughter = household
    client = clients["operator_a"]
    before = registry_snapshot()
    url = f"/api/v1/residents/{wife.pk}/events"
    person = {**resident_data(name="Ani", relationship=4), "village": VILLAGE_A}
    move_in = {"village": VILLAGE_A, "nik": person["nik"], "person": person, "origin": "x" * 101}
    cases = [
        (url, {"kind": "death", "note": "x" * 201}, "catatan: paling banyak 200 karakter."),
        # Named as the forms name them (sixth session), not by the column ("asal/tujuan").
        (url, {"kind": "move_out", "place": "x" * 101}, "pindah ke: paling banyak 100"),
        ("/api/v1/move-ins", move_in, "pindah dari: paling banyak 100 karakter."),
    ]
    for target, body, message in cases:
        response = send(client, "post", target, body)
        assert response.status_code == 400, (body, response.content)
        assert message in response.json()["detail"]
    assert registry_snapshot() == before
    # A correction's reason too, once there is something to correct.
    assert send(client, "post", url, {"kind": "death"}).status_code == 201
    before = registry_snapshot()
    response = send(client, "post", url, {"kind": "correction", "note": "salah " * 40})
    assert response.status_code == 400
    assert "alasan: paling banyak 200 karakter." in response.json()["detail"]
    assert registry_snapshot() == before
