"""Pindah KK within a village: a resident moves onto another family card, page and API."""

from __future__ import annotations

import datetime

import pytest

from satudata.audit.models import AuditEntry
from satudata.conftest import VILLAGE_B
from satudata.regions.models import Region
from satudata.regions.services import add_local_unit
from satudata.registry import services
from satudata.registry.models import LifeEvent, Resident
from satudata.registry.tests.helpers import kk_for, registry_snapshot, resident_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def groom(cast, village_a):
    """Andi heads his own family card, in another RT of village A."""
    hamlet = add_local_unit(cast.operator_a, village_a, "hamlet", "Dusun Melati")
    rw = add_local_unit(cast.operator_a, village_a, "rw", "002", hamlet.pk)
    rt = add_local_unit(cast.operator_a, village_a, "rt", "005", rw.pk)
    family = services.register_family(cast.operator_a, village_a, kk_for(serial=21), rt)
    andi = services.register_resident(
        cast.operator_a,
        village_a,
        resident_data(name="Andi", sex=1, birth_date=datetime.date(2001, 8, 2)),
        family=family,
    )
    return family, andi


def move(client, person, **form):
    data = {"family_number": "", "relationship": "", "date": "2026-10-01", **form}
    return client.post(f"/registry/residents/{person.pk}/family/", data)


def test_a_daughter_marries_into_her_husbands_family(clients, cast, household, groom):
    family, _head, _wife, daughter = household
    new_family, _andi = groom
    answer = move(
        clients["operator_a"], daughter, family_number=new_family.family_number, relationship=3
    )
    assert answer.status_code == 302
    daughter.refresh_from_db()
    assert daughter.family == new_family and daughter.relationship == 3
    assert daughter.unit == new_family.unit  # she lives at the family's address now
    assert family.members.filter(status=Resident.Status.ALIVE).count() == 2
    event = daughter.events.get(kind=LifeEvent.Kind.FAMILY_JOIN)
    assert (event.family_before, event.family_after) == (
        family.family_number,
        new_family.family_number,
    )
    change = AuditEntry.objects.filter(
        model_label="registry.resident", object_pk=str(daughter.pk), action="update"
    ).get()
    assert change.after["family_id"] == new_family.pk
    assert change.before["family_id"] == family.pk
    page = clients["operator_a"].get(answer.url).content.decode()
    assert "pindah ke kartu keluarga lain" in page
    assert f"{family.family_number} → {new_family.family_number}" in page


def test_a_resident_without_a_card_is_placed_on_one(clients, cast, village_a, groom):
    new_family, _andi = groom
    alone = services.register_resident(cast.operator_a, village_a, resident_data(name="Tini"))
    page = clients["operator_a"].get(f"/registry/residents/{alone.pk}/").content.decode()
    assert "Masukkan ke kartu keluarga" in page
    move(clients["operator_a"], alone, family_number=new_family.family_number, relationship=9)
    alone.refresh_from_db()
    assert alone.family == new_family and alone.relationship == 9


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"family_number": "6201020101209999", "relationship": 3}, "Nomor KK: tidak ada"),
        ({"relationship": 3}, "Nomor KK"),
        ({"family_number": "{own}", "relationship": 4}, "sudah ada di kartu keluarga ini"),
        ({"family_number": "{other}", "relationship": 1}, "sudah punya kepala keluarga (Andi)"),
        ({"family_number": "{other}", "relationship": 12}, "Hubungan dalam keluarga baru"),
        ({"family_number": "{other}", "relationship": 3, "date": "2099-01-01"}, "Tanggal"),
    ],
)
def test_bad_moves_are_refused_by_field_and_change_nothing(
    clients, household, groom, form, message
):
    family, _head, _wife, daughter = household
    other, _andi = groom
    number = form.get("family_number", "")
    form["family_number"] = number.format(own=family.family_number, other=other.family_number)
    before = registry_snapshot()
    answer = move(clients["operator_a"], daughter, **form)
    assert answer.status_code == 200
    assert message in answer.content.decode()
    assert "Tidak ada yang disimpan" in answer.content.decode()
    assert registry_snapshot() == before


def test_the_head_leaves_only_after_a_new_head_is_chosen(clients, household, groom):
    family, head, wife, _daughter = household
    other, _andi = groom
    before = registry_snapshot()
    answer = move(clients["operator_a"], head, family_number=other.family_number, relationship=3)
    assert "jadikan salah satu dari mereka kepala" in answer.content.decode()
    assert registry_snapshot() == before


def test_the_dead_do_not_move(clients, cast, household, groom):
    _family, _head, wife, _daughter = household
    other, _andi = groom
    services.record_death(cast.operator_a, wife, datetime.date(2026, 2, 1))
    page = clients["operator_a"].get(f"/registry/residents/{wife.pk}/").content.decode()
    assert f"/registry/residents/{wife.pk}/family/" not in page
    before = registry_snapshot()
    answer = move(clients["operator_a"], wife, family_number=other.family_number, relationship=3)
    assert "bukan penduduk hidup" in answer.content.decode()
    assert registry_snapshot() == before


def test_another_villages_card_is_not_found_and_its_residents_unreachable(clients, cast, household):
    _family, _head, _wife, daughter = household
    village_b = Region.objects.get(code=VILLAGE_B)
    elsewhere = services.register_family(cast.operator_b, village_b, kk_for(VILLAGE_B, 31))
    before = registry_snapshot()
    answer = move(
        clients["operator_a"], daughter, family_number=elsewhere.family_number, relationship=3
    )
    assert "tidak ada kartu keluarga" in answer.content.decode()
    assert (
        move(
            clients["operator_b"], daughter, family_number=elsewhere.family_number, relationship=3
        ).status_code
        == 404
    )
    assert (
        move(clients["district_viewer"], daughter, family_number="1", relationship=3).status_code
        == 403
    )
    assert registry_snapshot() == before


def test_the_api_moves_a_resident_and_refuses_another_villages_card(
    clients, cast, household, groom
):
    family, _head, _wife, daughter = household
    other, _andi = groom
    village_b = Region.objects.get(code=VILLAGE_B)
    elsewhere = services.register_family(cast.operator_b, village_b, kk_for(VILLAGE_B, 32))
    url = f"/api/v1/residents/{daughter.pk}/family"
    custodian = clients["custodian"]
    refused = custodian.post(url, {"family": elsewhere.pk, "relationship": 3}, "application/json")
    assert refused.status_code == 400 and "desa lain" in refused.json()["detail"]
    hidden = clients["operator_a"].post(
        url, {"family": elsewhere.pk, "relationship": 3}, "application/json"
    )
    assert hidden.status_code == 404
    moved = clients["operator_a"].post(
        url, {"family": other.pk, "relationship": 3, "date": "2026-10-01"}, "application/json"
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["family"] == other.pk
    daughter.refresh_from_db()
    assert daughter.family == other and family.members.count() == 2


# One living head per family card, whichever way a second one would come in


def test_a_second_head_is_refused_on_register_and_edit(clients, cast, household):
    family, head, wife, _daughter = household
    data = resident_data(name="Kakek", sex=1, birth_date=datetime.date(1950, 1, 4))
    form = {
        **data,
        "birth_date": data["birth_date"].isoformat(),
        "relationship": 1,
        "citizenship": 1,
        "village": family.village_id,
        "family": family.pk,
    }
    before = registry_snapshot()
    page = clients["operator_a"].post("/registry/residents/new/", form).content.decode()
    assert f"kartu keluarga {family.family_number} sudah punya kepala keluarga (Budi)" in page
    edit = clients["operator_a"].patch(
        f"/api/v1/residents/{wife.pk}",
        {"version": wife.version, "relationship": 1},
        "application/json",
    )
    assert edit.status_code == 400 and "(Budi)" in edit.json()["detail"]
    assert registry_snapshot() == before
    # Once the head has died, the card may name another: its change of head is what
    # the family page offers, but an edit of the widow's relationship is accepted too.
    services.record_death(cast.operator_a, head, datetime.date(2026, 3, 1))
    wife.refresh_from_db()
    edit = clients["operator_a"].patch(
        f"/api/v1/residents/{wife.pk}",
        {"version": wife.version, "relationship": 1},
        "application/json",
    )
    assert edit.status_code == 200, edit.content


def test_a_head_moving_in_from_another_village_joins_as_the_member_named(clients, cast, household):
    family, _head, _wife, _daughter = household
    village_b = Region.objects.get(code=VILLAGE_B)
    card_b = services.register_family(cast.operator_b, village_b, kk_for(VILLAGE_B, 33))
    arriving = services.register_resident(
        cast.operator_b,
        village_b,
        resident_data(name="Joko", sex=1, village=VILLAGE_B, birth_date=datetime.date(1998, 2, 3)),
        family=card_b,
    )
    services.record_move_out(cast.operator_b, arriving, datetime.date(2026, 9, 30))
    form = {
        "village": family.village_id,
        "nik": arriving.nik,
        "confirm": "on",
        "date": "2026-10-01",
        "family_number": family.family_number,
    }
    before = registry_snapshot()
    refused = clients["operator_a"].post("/registry/move-in/", form).content.decode()
    # Not kept as head from the old card: the relationship to Budi is asked (sixth session).
    assert "pilih hubungan dengan kepala keluarga pada kartu keluarga" in refused
    as_head = clients["operator_a"].post("/registry/move-in/", {**form, "relationship": 1})
    assert "sudah punya kepala keluarga (Budi)" in as_head.content.decode()
    assert registry_snapshot() == before
    answer = clients["operator_a"].post("/registry/move-in/", {**form, "relationship": 5})
    assert answer.status_code == 302
    arriving.refresh_from_db()
    assert (arriving.village_id, arriving.family, arriving.relationship) == (
        family.village_id,
        family,
        5,
    )


# The same move from the family's page, by NIK


def test_the_family_page_adds_a_resident_of_the_village_by_nik(clients, cast, household, groom):
    family, _head, _wife, daughter = household
    new_family, _andi = groom
    page = clients["operator_a"].get(f"/registry/families/{new_family.pk}/").content.decode()
    assert "Tambahkan penduduk desa ini ke keluarga ini" in page
    url = f"/registry/families/{new_family.pk}/add/"
    answer = clients["operator_a"].post(
        url, {"nik": daughter.nik, "relationship": 3, "date": "2026-10-01"}
    )
    assert answer.status_code == 302 and answer.url == f"/registry/families/{new_family.pk}/"
    daughter.refresh_from_db()
    assert daughter.family == new_family and daughter.relationship == 3
    assert family.members.filter(pk=daughter.pk).count() == 0


def test_the_family_page_refuses_an_unknown_or_foreign_nik(clients, cast, household, groom):
    _family, _head, _wife, daughter = household
    new_family, _andi = groom
    village_b = Region.objects.get(code=VILLAGE_B)
    stranger = services.register_resident(
        cast.operator_b, village_b, resident_data(name="Wati", village=VILLAGE_B)
    )
    url = f"/registry/families/{new_family.pk}/add/"
    before = registry_snapshot()
    for nik in (stranger.nik, "6201020101900009"):
        page = (
            clients["operator_a"]
            .post(url, {"nik": nik, "relationship": 3, "date": "2026-10-01"})
            .content.decode()
        )
        assert f"tidak ada penduduk desa ini dengan NIK {nik}" in page
        assert "Wati" not in page  # another village's person is not revealed
    assert (
        clients["operator_b"].post(url, {"nik": stranger.nik, "relationship": 3}).status_code == 404
    )
    assert clients["district_viewer"].get(url).status_code == 403
    assert registry_snapshot() == before
