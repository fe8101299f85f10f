"""A NIK or KK number issued before a regency split carries a district code the region table
no longer has: refused until the custodian records it as a former code, then accepted by the
operator's form, the API and the import, and refused again once removed."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from satudata.conftest import VILLAGE_A
from satudata.regions import former
from satudata.registry.models import Family, Resident
from satudata.registry.tests.helpers import kk_for, resident_data, write_opensid_file

pytestmark = pytest.mark.django_db

# Merauke was district 91.01.01 until Papua's 2022 split made it 93.01.01; the test
# database loads provinces 61 and 62 only, so 91.01.01 is no district in it either way.
BORN = datetime.date(1990, 5, 12)
MERAUKE_NIK = "9101011205900001"  # a man born 12-05-1990
MERAUKE_KK = "9101010101200001"
REFUSED = "6 digit pertama (910101) bukan kode kecamatan; walidata dapat mencatat"


@pytest.fixture(autouse=True)
def _forget_former_codes():
    """The prefixes are cached per process; a rolled-back test must not leave its codes."""
    former.forget()
    yield
    former.forget()


def former_codes(*args) -> None:
    call_command("regions", "former", *args, "--user", "walidata", stdout=io.StringIO())


def form_post(client, nik=MERAUKE_NIK):
    data = resident_data(nik=nik, sex=1, birth_date=BORN, name="Yakobus Gebze")
    data["birth_date"] = data["birth_date"].isoformat()
    return client.post("/registry/residents/new/", {**data, "citizenship": 1, "village": VILLAGE_A})


def api_post(client, url, data):
    return client.post(url, json.dumps(data, default=str), content_type="application/json")


def test_the_operator_form_accepts_a_former_district_nik_only_while_it_is_recorded(clients):
    refused = form_post(clients["operator_a"])
    assert refused.status_code == 200
    assert REFUSED in refused.content.decode()
    assert not Resident.objects.exists()

    former_codes("add", "91.01.01", "--now", "62.01.02")
    assert form_post(clients["operator_a"]).status_code == 302
    assert Resident.objects.get().nik == MERAUKE_NIK

    former_codes("remove", "91.01.01")
    again = form_post(clients["operator_a"], nik=MERAUKE_NIK[:-1] + "2")
    assert again.status_code == 200 and REFUSED in again.content.decode()
    assert Resident.objects.count() == 1  # the one stored meanwhile stays


def test_the_api_accepts_former_district_niks_and_kk_numbers_while_recorded(clients):
    operator = clients["operator_a"]
    resident = {
        **resident_data(nik=MERAUKE_NIK, sex=1, birth_date=BORN),
        "village": VILLAGE_A,
    }
    family = {"village": VILLAGE_A, "family_number": MERAUKE_KK}
    for url, data in (("/api/v1/residents", resident), ("/api/v1/families", family)):
        response = api_post(operator, url, data)
        assert response.status_code == 400 and REFUSED in response.json()["detail"], url

    former_codes("add", "910101")
    assert api_post(operator, "/api/v1/residents", resident).status_code == 201
    assert api_post(operator, "/api/v1/families", family).status_code == 201

    former_codes("remove", "91.01.01")
    other = {**resident, "nik": MERAUKE_NIK[:-1] + "2"}
    response = api_post(operator, "/api/v1/residents", other)
    assert response.status_code == 400 and REFUSED in response.json()["detail"]
    assert Resident.objects.count() == 1  # the one stored meanwhile stays


def import_row(path, nik=MERAUKE_NIK, kk=MERAUKE_KK):
    row = [
        "Jl. Raya Mopah 1", "Dusun 1", "001", "001", "Yakobus Gebze", kk, nik, "1",
        "Merauke", BORN.isoformat(), "3", "5", "", "88", "2", "1", "1", "Agus", "Maria",
        "13", "1", VILLAGE_A,
    ]  # fmt: skip
    return write_opensid_file(path, [row])


def import_residents(path) -> str:
    out = io.StringIO()
    call_command("import", "residents", str(path), "--village", VILLAGE_A, stdout=out)
    return out.getvalue()


def test_an_import_row_with_a_former_district_nik_and_kk_is_taken_while_recorded(cast, tmp_path):
    path = import_row(tmp_path / "warga.csv")
    with pytest.raises(CommandError):
        import_residents(path)
    errors = (tmp_path / "warga.csv.errors.csv").read_text(encoding="utf-8-sig")
    assert REFUSED in errors
    assert not Resident.objects.exists()

    former_codes("add", "91.01.01")
    assert "1 ditambah" in import_residents(path)
    resident = Resident.objects.get()
    assert (resident.nik, resident.family.family_number) == (MERAUKE_NIK, MERAUKE_KK)

    former_codes("remove", "91.01.01")
    second = import_row(tmp_path / "lagi.csv", nik=MERAUKE_NIK[:-1] + "2", kk=kk_for(serial=7))
    with pytest.raises(CommandError):
        import_residents(second)
    assert REFUSED in (tmp_path / "lagi.csv.errors.csv").read_text(encoding="utf-8-sig")
    assert Resident.objects.count() == 1 and Family.objects.count() == 1
