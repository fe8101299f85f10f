"""QA of the fifth session: the API's edit of a temporary NIK and citizenship, versions
and names that cannot be, event texts, heads that cannot be, a birth sent twice."""

from __future__ import annotations

import datetime
import importlib
import json

import pytest
from django.apps import apps as django_apps

from satudata.conftest import VILLAGE_A
from satudata.registry import services
from satudata.registry.models import FormerTemporaryNik, Resident
from satudata.registry.tests.helpers import kk_for, nik_for, registry_snapshot, resident_data
from satudata.registry.tests.test_api import post, register
from satudata.registry.tests.test_edit_rules import edit_form
from satudata.registry.tests.test_event_pages import birth_form

pytestmark = pytest.mark.django_db


def patch(client, url, data, **headers):
    return client.patch(url, json.dumps(data), content_type="application/json", **headers)


# The API edits what the edit form edits


def test_a_temporary_nik_is_replaced_by_the_real_one_through_the_api(clients):
    client = clients["operator_a"]
    born = datetime.date(1985, 3, 4)
    made = post(
        client,
        "/api/v1/residents",
        resident_data(sex=1, birth_date=born)
        | {"village": VILLAGE_A, "nik": "", "nik_is_temporary": True},
    )
    assert made.status_code == 201, made.content
    url = f"/api/v1/residents/{made.json()['id']}"
    real = nik_for(born, 1)
    # The flag stays until the client clears it, and the message says so.
    kept = patch(client, url, {"version": 1, "nik": real})
    assert kept.status_code == 400
    assert "NIK sementara" in kept.json()["detail"] and real in kept.json()["detail"]
    changed = patch(client, url, {"version": 1, "nik": real, "nik_is_temporary": False})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["nik"], changed.json()["nik_is_temporary"]) == (real, False)
    citizen = patch(client, url, {"version": 2, "citizenship": 2})
    assert citizen.status_code == 200 and citizen.json()["citizenship"] == 2
    # Null is no citizenship and no flag: refused, naming the field.
    before = registry_snapshot()
    for field in ("citizenship", "nik_is_temporary"):
        null = patch(client, url, {"version": 3, field: None})
        assert null.status_code == 400 and field in json.dumps(null.json())
    assert registry_snapshot() == before


@pytest.mark.parametrize("version", ["1", -1, 0, 2**70, 1.0])
def test_a_version_that_cannot_be_is_a_bad_request_not_a_conflict(clients, version):
    made = register(clients["operator_a"])
    url = f"/api/v1/residents/{made.json()['id']}"
    answer = patch(clients["operator_a"], url, {"version": version, "name": "Siti A"})
    assert answer.status_code == 400, answer.content
    assert "version" in json.dumps(answer.json())
    assert Resident.objects.get(pk=made.json()["id"]).name == "Siti Aminah"


def test_the_sex_in_an_english_message_is_english(clients):
    body = resident_data(sex=1, nik=nik_for(datetime.date(1990, 5, 17), 2)) | {"village": VILLAGE_A}
    answer = post(clients["operator_a"], "/api/v1/residents", body)
    assert answer.status_code == 400
    assert "menunjukkan perempuan, tetapi jenis kelaminnya laki-laki" in answer.json()["detail"]
    english = clients["operator_a"].post(
        "/api/v1/residents",
        json.dumps(body, default=str),
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    assert english.status_code == 400
    detail = english.json()["detail"]
    assert "say female but the sex is male" in detail, detail
    assert "perempuan" not in detail and "laki-laki" not in detail


@pytest.mark.parametrize("name", ["12345", "-", "..."])
def test_a_name_without_letters_is_refused(clients, name):
    before = registry_snapshot()
    answer = register(clients["operator_a"], name=name)
    assert answer.status_code == 400
    assert "nama: harus memuat huruf" in answer.json()["detail"]
    assert registry_snapshot() == before


# Heads that cannot be


def test_an_edit_cannot_make_a_dead_member_head(clients, cast, household):
    family, head, _wife, daughter = household
    services.record_death(cast.operator_a, daughter, datetime.date(2026, 3, 1))
    daughter.refresh_from_db()
    before = registry_snapshot()
    page = clients["operator_a"].post(
        f"/registry/residents/{daughter.pk}/edit/", edit_form(daughter, relationship=1)
    )
    assert page.status_code == 200
    assert "tidak dapat menjadi kepala keluarga" in page.content.decode()
    assert registry_snapshot() == before


def test_a_change_of_head_cannot_come_before_the_old_heads_death(clients, cast, household):
    family, head, wife, _daughter = household
    services.record_death(cast.operator_a, head, datetime.date(2026, 3, 10))
    before = registry_snapshot()
    form = {"new_head": wife.pk, "old_head_relationship": 11, "head_was": 0}
    url = f"/registry/families/{family.pk}/head/"
    early = clients["operator_a"].post(url, form | {"date": "2026-02-01"})
    assert early.status_code == 200
    assert "sebelum Budi, kepala keluarga" in early.content.decode()
    assert registry_snapshot() == before
    later = clients["operator_a"].post(url, form | {"date": "2026-03-12"})
    assert later.status_code == 302
    wife.refresh_from_db()
    assert wife.relationship == 1


# Texts of events


def test_an_invisible_character_in_an_events_place_is_refused(clients, household):
    _family, _head, _wife, daughter = household
    before = registry_snapshot()
    form = {"confirm": "on", "kind": "move_out", "date": "2026-04-01"}
    url = f"/registry/residents/{daughter.pk}/event/"
    page = clients["operator_a"].post(url, form | {"place": "Jakarta\u202eatrakaJ"}, follow=True)
    assert "U+202E" in page.content.decode()
    assert registry_snapshot() == before
    api = post(
        clients["operator_a"],
        f"/api/v1/residents/{daughter.pk}/events",
        {"kind": "death", "note": "meninggal\u200b di rumah"},
    )
    assert api.status_code == 400 and "U+200B" in api.json()["detail"]
    assert registry_snapshot() == before
    # A note of two lines is an ordinary note.
    lines = post(
        clients["operator_a"],
        f"/api/v1/residents/{daughter.pk}/events",
        {"kind": "move_out", "place": "Sampit", "note": "surat pindah\r\nno. 12"},
    )
    assert lines.status_code == 201, lines.content


# Forms sent again


def test_a_split_sent_again_says_the_card_changed(clients, household):
    family, _head, _wife, daughter = household
    form = {
        "members": [daughter.pk],
        "new_head": daughter.pk,
        "family_number": kk_for(serial=77),
        "date": "2026-04-01",
    }
    url = f"/registry/families/{family.pk}/split/"
    assert clients["operator_a"].post(url, form).status_code == 302
    again = clients["operator_a"].post(url, form | {"family_number": kk_for(serial=78)})
    text = again.content.decode()
    assert "kartu keluarga berubah" in text
    assert str(daughter.pk) + " bukan salah satu" not in text


def test_the_same_birth_from_two_pages_is_recorded_once(clients, household):
    family, *_ = household
    url = f"/registry/families/{family.pk}/birth/"
    form = birth_form(nik="", nik_is_temporary="on")
    assert clients["operator_a"].post(url, form).status_code == 302
    before = registry_snapshot()
    second = clients["operator_a"].post(url, form)  # another page: its own one-time token
    assert "sudah tercatat" in second.content.decode()
    assert registry_snapshot() == before
    twin = clients["operator_a"].post(url, form | {"name": "Bayi Kembar"})
    assert twin.status_code == 302
    assert family.members.filter(birth_date=datetime.date(2026, 1, 5)).count() == 2


# A temporary NIK is given once


def test_a_replaced_temporary_nik_is_never_given_again(clients, household):
    family, *_ = household
    client = clients["operator_a"]
    url = f"/registry/families/{family.pk}/birth/"
    assert client.post(url, birth_form(nik="", nik_is_temporary="on")).status_code == 302
    baby = family.members.get(name="Bayi Budi")
    temporary_nik = baby.nik
    born = baby.birth_date
    real = nik_for(born, baby.sex)
    edited = patch(
        client,
        f"/api/v1/residents/{baby.pk}",
        {"version": baby.version, "nik": real, "nik_is_temporary": False},
    )
    assert edited.status_code == 200, edited.content
    second = birth_form(nik="", nik_is_temporary="on", name="Bayi Kedua")
    assert client.post(url, second).status_code == 302
    next_baby = family.members.get(name="Bayi Kedua")
    assert next_baby.nik != temporary_nik
    assert int(next_baby.nik[-5:]) == int(temporary_nik[-5:]) + 1
    # Typed by hand for someone else, it is refused too; its own holder may have it back.
    before = registry_snapshot()
    typed = register(client, nik=temporary_nik, nik_is_temporary=True)
    assert typed.status_code == 400 and "tidak pernah diberikan dua kali" in typed.json()["detail"]
    assert registry_snapshot() == before
    back = patch(
        client,
        f"/api/v1/residents/{baby.pk}",
        {"version": baby.version + 1, "nik": temporary_nik, "nik_is_temporary": True},
    )
    assert back.status_code == 200, back.content


def test_the_temporary_niks_replaced_before_are_read_from_the_history(clients):
    """Migration 0014 fills the table from the change history of the edits before it."""
    client = clients["operator_a"]
    born = datetime.date(1985, 3, 4)
    body = resident_data(sex=1, birth_date=born) | {"village": VILLAGE_A, "nik": ""}
    made = post(client, "/api/v1/residents", body | {"nik_is_temporary": True})
    url = f"/api/v1/residents/{made.json()['id']}"
    real = {"version": 1, "nik": nik_for(born, 1), "nik_is_temporary": False}
    assert patch(client, url, real).status_code == 200
    FormerTemporaryNik.objects.all().delete()  # as before the migration
    migration = importlib.import_module("satudata.registry.migrations.0014_former_temporary_nik")
    migration.from_history(django_apps, None)
    assert list(FormerTemporaryNik.objects.values_list("nik", "resident_id")) == [
        (made.json()["nik"], made.json()["id"])
    ]
