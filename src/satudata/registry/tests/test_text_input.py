"""Typed texts (QA of 2026-11-24, third session): invisible and control characters are
refused, texts are stored composed and trimmed as the import stores them, and two temporary
NIKs asked for at once both get a number."""

from __future__ import annotations

import json

import pytest

from satudata.conftest import VILLAGE_A
from satudata.registry import services
from satudata.registry.models import Resident
from satudata.registry.tests.helpers import kk_for, registry_snapshot, resident_data

pytestmark = pytest.mark.django_db


def post(client, url: str, body: dict):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("\u200b\u200b", "U+200B"),  # zero-width spaces only
        ("Uji\u202eCoba", "U+202E"),  # right-to-left override
        ("Hasan\x0bBahri", "U+000B"),  # breaks XLSX exports
        ("Siti\tAminah", "U+0009"),
        ("\ufeffBudi", "U+FEFF"),
        ("Bu\x85di", "U+0085"),
    ],
)
def test_an_invisible_or_control_character_in_a_name_is_refused(clients, name, code):
    before = registry_snapshot()
    body = {**resident_data(name=name), "village": VILLAGE_A}
    response = post(clients["operator_a"], "/api/v1/residents", body)
    assert response.status_code == 400, response.content
    assert (
        f"nama: berisi karakter tak terlihat atau karakter kontrol ({code})"
        in (response.json()["detail"])
    )
    assert registry_snapshot() == before


def test_a_form_refuses_one_too(clients, cast, household):
    family, head, *_ = household
    before = registry_snapshot()
    page = clients["operator_a"].post(
        f"/registry/families/{family.pk}/birth/",
        {
            "name": "Bayi\u200b",
            "sex": 1,
            "birth_date": "2026-01-05",
            "relationship": 4,
            "nik": "",
            "nik_is_temporary": "on",
        },
    )
    assert "karakter tak terlihat atau karakter kontrol (U+200B)" in page.content.decode()
    assert registry_snapshot() == before


def test_names_are_stored_trimmed_and_composed(clients):
    body = {**resident_data(name="  Jose\u0301  Ramos  "), "village": VILLAGE_A}
    body["birth_place"] = " Pontianak "
    response = post(clients["operator_a"], "/api/v1/residents", body)
    assert response.status_code == 201, response.content
    person = Resident.objects.get(pk=response.json()["id"])
    # Trimmed as the import trims, so an export re-imports unchanged; é composed, so a
    # search typed with the composed letter finds it.
    assert (person.name, person.birth_place) == ("Jos\u00e9  Ramos", "Pontianak")
    found = clients["operator_a"].get("/api/v1/residents?q=Jos\u00e9").json()
    assert [r["id"] for r in found["results"]] == [person.pk]
    decomposed = clients["operator_a"].get("/api/v1/residents?q=Jose\u0301").json()
    assert [r["id"] for r in decomposed["results"]] == [person.pk]


def test_a_family_address_is_checked_and_named_on_creation_too(clients):
    before = registry_snapshot()
    body = {"village": VILLAGE_A, "family_number": kk_for(serial=61), "address": "x" * 1000}
    response = post(clients["operator_a"], "/api/v1/families", body)
    assert response.status_code == 400
    assert response.json()["detail"] == "alamat: paling banyak 200 karakter."
    body["address"] = "Jl. Ahmad\u200bYani"
    response = post(clients["operator_a"], "/api/v1/families", body)
    assert response.status_code == 400
    assert "alamat: berisi karakter tak terlihat" in response.json()["detail"]
    assert registry_snapshot() == before


def test_two_temporary_niks_asked_for_at_once_both_get_a_number(cast, village_a, monkeypatch):
    # QA: of two registrations at once, one got 409 "NIK already registered in this village",
    # about a number the user never typed. Here the second reads the highest serial before
    # the first is saved, as it did there.
    def data(name):
        return {**resident_data(name=name), "nik": "", "nik_is_temporary": True}

    first = services.register_resident(cast.operator_a, village_a, data("Satu"))
    calls = []
    original = services.next_temporary_nik

    def behind(village):
        calls.append(village)
        return first.nik if len(calls) == 1 else original(village)

    monkeypatch.setattr(services.residents, "next_temporary_nik", behind)
    second = services.register_resident(cast.operator_a, village_a, data("Dua"))
    assert int(second.nik[-5:]) == int(first.nik[-5:]) + 1
    assert second.nik_is_temporary and len(calls) == 2


@pytest.mark.parametrize("quoted", [False, True], ids=["polars", "csv-module"])
def test_an_import_row_with_a_control_character_is_refused_naming_it(tmp_path, quoted):
    # QA: "Hasan\x0bBahri" imported as "1 updated", then the village's XLSX export broke.
    from satudata.registry.exporter import OPENSID_HEADER
    from satudata.registry.tests.test_import import fails, good_rows, write_csv

    rows = good_rows(3)
    name, address = OPENSID_HEADER.index("nama"), OPENSID_HEADER.index("alamat")
    rows[1][name] = "Hasan\x0bBahri"
    rows[2][address] = "Jl. Ahmad\u200bYani"
    if quoted:
        rows[0][address] = 'Jl. "Lama"'  # a quote: the csv module reads the file
    out = fails(write_csv(tmp_path / "c.csv", rows))
    assert "Baris 3, kolom nama: nama: berisi karakter tak terlihat" in out
    assert "(U+000B)" in out and "(U+200B)" in out
    assert Resident.objects.count() == 0
