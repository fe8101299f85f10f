"""Operator pages for families and life events: happy path, bad input, other village refused."""

from __future__ import annotations

import datetime
import re

import pytest

from satudata.audit.models import AuditEntry
from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.regions.models import Region
from satudata.regions.services import add_local_unit
from satudata.registry import services
from satudata.registry.models import Family, LifeEvent, Resident
from satudata.registry.tests.helpers import kk_for, nik_for, registry_snapshot, resident_data

pytestmark = pytest.mark.django_db


def birth_form(**overrides):
    born = overrides.pop("birth_date", datetime.date(2026, 1, 5))
    sex = overrides.pop("sex", 1)
    data = {
        "name": "Bayi Budi",
        "sex": sex,
        "birth_date": born.isoformat(),
        "birth_place": "Pangkalan Bun",
        "nik": nik_for(born, sex),
        "relationship": 4,
        "father_name": "Budi",
        "mother_name": "Siti",
    }
    return {**data, **overrides}


# Register a family


def test_operator_registers_a_family_placed_in_an_rt(clients, cast, village_a):
    hamlet = add_local_unit(cast.operator_a, village_a, "hamlet", "Dusun Mawar")
    rw = add_local_unit(cast.operator_a, village_a, "rw", "001", hamlet.pk)
    rt = add_local_unit(cast.operator_a, village_a, "rt", "002", rw.pk)
    client = clients["operator_a"]
    page = client.get("/registry/families/new/").content.decode()
    assert "Dusun Mawar" in page  # the RT is offered with its hamlet and RW
    number = kk_for(serial=21)
    response = client.post(
        "/registry/families/new/",
        {"family_number": number, "unit": rt.pk, "address": "Jl. Mawar"},
    )
    family = Family.objects.get(family_number=number)
    assert response["Location"] == f"/registry/families/{family.pk}/"
    assert (family.village_id, family.unit_id, family.address) == (VILLAGE_A, rt.pk, "Jl. Mawar")
    assert AuditEntry.objects.filter(model_label="registry.family", object_pk=family.pk).exists()
    assert "Dusun Mawar" in client.get(response["Location"]).content.decode()


def test_family_form_names_the_field_and_saves_nothing(clients, household):
    before = registry_snapshot()
    response = clients["operator_a"].post("/registry/families/new/", {"family_number": "62010"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Nomor KK: harus 16 digit" in text and "Tidak ada yang disimpan" in text
    taken = clients["operator_a"].post(
        "/registry/families/new/", {"family_number": household[0].family_number}
    )
    assert f"sudah terdaftar di desa Natai Raya ({VILLAGE_A})" in taken.content.decode()
    assert registry_snapshot() == before


def test_operator_cannot_register_a_family_in_another_village(clients):
    number = kk_for(serial=22)
    for name in ("operator_b", "district_viewer"):
        response = clients[name].post(
            f"/registry/families/new/?village={VILLAGE_A}", {"family_number": number}
        )
        assert response.status_code == 403, name
    assert clients["producer_a"].get("/registry/families/new/").status_code == 404
    assert not Family.objects.exists()


# Record a birth


def test_operator_records_a_birth_from_the_family_page(clients, household):
    family = household[0]
    client = clients["operator_a"]
    assert (
        f"/registry/families/{family.pk}/birth/"
        in client.get(f"/registry/families/{family.pk}/").content.decode()
    )
    response = client.post(f"/registry/families/{family.pk}/birth/", birth_form())
    baby = Resident.objects.get(name="Bayi Budi")
    assert response["Location"] == f"/registry/residents/{baby.pk}/"
    assert (baby.family_id, baby.village_id, baby.relationship) == (family.pk, VILLAGE_A, 4)
    event = baby.events.get()
    assert (event.kind, event.date, event.family_after) == (
        "birth",
        datetime.date(2026, 1, 5),
        family.family_number,
    )
    assert "kelahiran" in client.get(response["Location"]).content.decode()


def test_birth_with_bad_input_names_the_field_and_saves_nothing(clients, household):
    url = f"/registry/families/{household[0].pk}/birth/"
    before = registry_snapshot()
    wrong_sex = clients["operator_a"].post(url, {**birth_form(), "sex": 2})
    assert "NIK: digit 7–8" in wrong_sex.content.decode()
    no_name = clients["operator_a"].post(url, birth_form(name=""))
    assert "Nama: bidang ini tidak boleh kosong" in no_name.content.decode()
    future = clients["operator_a"].post(url, birth_form(birth_date=datetime.date(2099, 1, 1)))
    assert "tanggal lahir: tidak boleh di masa depan" in future.content.decode().lower()
    assert registry_snapshot() == before


def test_operator_cannot_record_a_birth_in_another_villages_family(clients, household):
    url = f"/registry/families/{household[0].pk}/birth/"
    before = registry_snapshot()
    assert clients["operator_b"].get(url).status_code == 404
    assert clients["operator_b"].post(url, birth_form()).status_code == 404
    assert clients["district_viewer"].post(url, birth_form()).status_code == 403
    assert clients["producer_a"].post(url, birth_form()).status_code == 404
    assert registry_snapshot() == before


# Record a move in


def test_register_refusal_links_to_the_move_in_page_which_moves_the_record(
    clients, cast, household
):
    village_b = Region.objects.get(code=VILLAGE_B)
    newcomer = services.register_resident(
        cast.operator_b, village_b, resident_data(name="Andi", sex=1, relationship=9)
    )
    client = clients["operator_a"]
    refused = client.post(
        "/registry/residents/new/",
        {
            **resident_data(nik=newcomer.nik, name="Andi", sex=1),
            "birth_date": "1990-05-17",
            "citizenship": 1,
            "village": VILLAGE_A,
        },
    ).content.decode()
    assert "sudah terdaftar di desa Runtu" in refused
    link = f"/registry/move-in/?village={VILLAGE_A}&amp;nik={newcomer.nik}"
    assert link in refused
    offer = client.get(link.replace("&amp;", "&")).content.decode()
    assert f'value="{newcomer.nik}"' in offer
    family = household[0]
    move = {
        "village": VILLAGE_A,
        "nik": newcomer.nik,
        "family_number": family.family_number,
        "date": "2026-02-03",
        "origin": "Runtu",
        "relationship": 9,
    }
    before = registry_snapshot()
    unconfirmed = client.post("/registry/move-in/", move).content.decode()
    assert "terdaftar di desa Runtu (62.01.02.2012); centang kotak ini" in unconfirmed
    assert registry_snapshot() == before
    # Runtu still counts Andi as living there: only Runtu can let the record go, and until
    # it does, Natai Raya learns no more than where the NIK is registered.
    early = client.post("/registry/move-in/", {**move, "confirm": "on"}).content.decode()
    assert "belum mencatat kepindahan keluar orang ini" in early
    assert "Andi" not in early.split("<main")[-1].split("<form")[0]
    assert registry_snapshot() == before
    services.record_move_out(cast.operator_b, newcomer, datetime.date(2026, 2, 1), "Natai Raya")
    response = client.post("/registry/move-in/", {**move, "confirm": "on"})
    assert response["Location"] == f"/registry/residents/{newcomer.pk}/"
    newcomer.refresh_from_db()
    assert (newcomer.village_id, newcomer.family_id) == (VILLAGE_A, family.pk)
    assert Resident.objects.filter(nik=newcomer.nik).count() == 1
    kinds = list(newcomer.events.order_by("id").values_list("kind", flat=True))
    assert kinds == ["registered", "move_out", "move_in"]
    assert clients["operator_b"].get(f"/registry/residents/{newcomer.pk}/").status_code == 404


def test_move_in_of_a_person_from_outside_the_database(clients, household):
    born = datetime.date(1988, 8, 1)
    response = clients["operator_a"].post(
        "/registry/move-in/",
        {
            "nik": nik_for(born, 1),
            "name": "Pendatang Baru",
            "sex": 1,
            "birth_date": born.isoformat(),
            "citizenship": 1,
            "date": "2026-02-10",
            "origin": "Pontianak",
        },
    )
    person = Resident.objects.get(name="Pendatang Baru")
    assert response["Location"] == f"/registry/residents/{person.pk}/"
    event = person.events.get()
    assert (event.kind, event.other_place, person.village_id) == ("move_in", "Pontianak", VILLAGE_A)


def test_move_in_with_bad_input_names_the_field_and_saves_nothing(clients, cast, household):
    village_b = Region.objects.get(code=VILLAGE_B)
    gone = services.register_resident(cast.operator_b, village_b, resident_data(name="Alm"))
    services.record_death(cast.operator_b, gone, datetime.date(2025, 12, 1))
    client = clients["operator_a"]
    before = registry_snapshot()
    unknown_kk = client.post(
        "/registry/move-in/",
        {"nik": household[1].nik, "family_number": kk_for(serial=99), "date": "2026-01-01"},
    )
    assert "Nomor KK: tidak ada kartu keluarga" in unknown_kk.content.decode()
    no_details = client.post(
        "/registry/move-in/", {"nik": nik_for(datetime.date(1970, 1, 2), 1), "date": "2026-01-01"}
    ).content.decode()
    assert "Nama: tidak boleh kosong" in no_details and "Jenis kelamin: wajib" in no_details
    dead = client.post(
        "/registry/move-in/", {"nik": gone.nik, "date": "2026-01-01", "confirm": "on"}
    )
    # Another village's record: whether the person died is not this village's to learn.
    dead_page = dead.content.decode()
    assert "belum mencatat kepindahan keluar" in dead_page and "meninggal" not in dead_page
    here = client.post("/registry/move-in/", {"nik": household[1].nik, "date": "2026-01-01"})
    assert "NIK: sudah terdaftar di desa ini" in here.content.decode()
    future = client.post("/registry/move-in/", {"nik": household[1].nik, "date": "2099-01-01"})
    assert "Tanggal peristiwa: tidak boleh di masa depan" in future.content.decode()
    assert registry_snapshot() == before


def test_operator_cannot_record_a_move_in_for_another_village(clients, cast):
    village_b = Region.objects.get(code=VILLAGE_B)
    person = services.register_resident(cast.operator_b, village_b, resident_data())
    before = registry_snapshot()
    url = f"/registry/move-in/?village={VILLAGE_B}"
    assert clients["operator_a"].get(url).status_code == 403
    posted = clients["operator_a"].post(url, {"nik": person.nik, "date": "2026-01-01"})
    assert posted.status_code == 403
    assert clients["district_viewer"].get(url).status_code == 403
    assert registry_snapshot() == before


# Split a family


def test_operator_splits_a_family(clients, household):
    family, head, wife, daughter = household
    number = kk_for(serial=31)
    response = clients["operator_a"].post(
        f"/registry/families/{family.pk}/split/",
        {
            "members": [wife.pk, daughter.pk],
            "new_head": wife.pk,
            "family_number": number,
            "date": "2026-03-01",
        },
    )
    new = Family.objects.get(family_number=number)
    assert response["Location"] == f"/registry/families/{new.pk}/"
    for person in household[1:]:
        person.refresh_from_db()
    assert (head.family_id, wife.family_id, daughter.family_id) == (family.pk, new.pk, new.pk)
    assert (head.relationship, wife.relationship, daughter.relationship) == (1, 1, 4)
    assert new.unit_id == family.unit_id and new.village_id == VILLAGE_A
    event = daughter.events.get(kind=LifeEvent.Kind.FAMILY_SPLIT)
    assert (event.family_before, event.family_after) == (family.family_number, number)
    page = clients["operator_a"].get(f"/registry/residents/{daughter.pk}/").content.decode()
    assert "pisah KK" in page
    assert f"{family.family_number} → {number}" in page


def test_split_with_bad_input_names_the_field_and_saves_nothing(clients, cast, household):
    family, head, wife, daughter = household
    other = services.register_family(cast.operator_a, family.village, kk_for(serial=32))
    outsider = services.register_resident(
        cast.operator_a, family.village, resident_data(name="Lain"), family=other
    )
    url = f"/registry/families/{family.pk}/split/"
    good = {"members": [daughter.pk], "new_head": daughter.pk, "date": "2026-03-01"}
    before = registry_snapshot()
    client = clients["operator_a"]
    bad_kk = client.post(url, {**good, "family_number": "12345"}).content.decode()
    assert "Nomor KK baru: harus 16 digit" in bad_kk
    taken = client.post(url, {**good, "family_number": other.family_number}).content.decode()
    assert "Nomor KK baru: sudah terdaftar" in taken
    number = kk_for(serial=33)
    head_stays = client.post(
        url, {**good, "new_head": wife.pk, "family_number": number}
    ).content.decode()
    assert "Kepala keluarga baru: " in head_stays
    stranger = client.post(
        url, {**good, "members": [outsider.pk], "new_head": outsider.pk, "family_number": number}
    ).content.decode()
    assert "Anggota yang pindah ke kartu keluarga baru:" in stranger
    nobody = client.post(url, {"family_number": number, "date": "2026-03-01"}).content.decode()
    assert "Anggota yang pindah ke kartu keluarga baru: " in nobody
    assert registry_snapshot() == before


def test_operator_cannot_split_another_villages_family(clients, household):
    family, head, wife, daughter = household
    url = f"/registry/families/{family.pk}/split/"
    data = {
        "members": [daughter.pk],
        "new_head": daughter.pk,
        "family_number": kk_for(serial=34),
        "date": "2026-03-01",
    }
    before = registry_snapshot()
    assert clients["operator_b"].get(url).status_code == 404
    assert clients["operator_b"].post(url, data).status_code == 404
    assert clients["district_viewer"].post(url, data).status_code == 403
    assert registry_snapshot() == before


# Change the head of family


def test_operator_changes_the_head_of_family(clients, household):
    family, head, wife, daughter = household
    response = clients["operator_a"].post(
        f"/registry/families/{family.pk}/head/",
        # head_was: the head the page was opened under, as the page sends it
        {
            "new_head": wife.pk,
            "old_head_relationship": 2,
            "date": "2026-04-01",
            "head_was": head.pk,
        },
    )
    assert response["Location"] == f"/registry/families/{family.pk}/"
    head.refresh_from_db()
    wife.refresh_from_db()
    assert (head.relationship, wife.relationship) == (2, 1)
    assert wife.events.filter(kind=LifeEvent.Kind.HEAD_CHANGE).count() == 1
    updates = AuditEntry.objects.filter(model_label="registry.resident", action="update")
    assert {e.object_pk for e in updates} == {str(head.pk), str(wife.pk)}
    # The event names the card, not a move onto it ("KK — → 6201…").
    page = clients["operator_a"].get(f"/registry/residents/{wife.pk}/").content.decode()
    assert f"ganti kepala keluarga · KK {family.family_number}<" in page


def test_after_the_heads_death_the_change_of_head_adds_no_event_to_the_dead(
    clients, cast, household
):
    family, head, wife, _daughter = household
    services.record_death(cast.operator_a, head, datetime.date(2026, 3, 1))
    response = clients["operator_a"].post(
        f"/registry/families/{family.pk}/head/",
        {"new_head": wife.pk, "old_head_relationship": 11, "date": "2026-04-01", "head_was": 0},
    )
    assert response.status_code == 302
    head.refresh_from_db()
    wife.refresh_from_db()
    # One head on the card; the dead head's record says so in the audit trail only.
    assert (head.relationship, wife.relationship) == (11, 1)
    assert not head.events.filter(kind=LifeEvent.Kind.HEAD_CHANGE).exists()
    assert head.events.filter(kind=LifeEvent.Kind.DEATH).exists()
    assert wife.events.filter(kind=LifeEvent.Kind.HEAD_CHANGE).count() == 1
    assert AuditEntry.objects.filter(
        model_label="registry.resident", object_pk=str(head.pk), action="update"
    ).exists()


def test_change_of_head_with_bad_input_saves_nothing(clients, cast, household):
    family = household[0]
    url = f"/registry/families/{family.pk}/head/"
    other = services.register_family(cast.operator_a, family.village, kk_for(serial=35))
    outsider = services.register_resident(
        cast.operator_a, family.village, resident_data(name="Lain"), family=other
    )
    before = registry_snapshot()
    missing = clients["operator_a"].post(url, {"old_head_relationship": 2, "date": "2026-04-01"})
    assert "Kepala keluarga baru: " in missing.content.decode()
    stranger = clients["operator_a"].post(
        url, {"new_head": outsider.pk, "old_head_relationship": 2, "date": "2026-04-01"}
    )
    assert "Kepala keluarga baru: " in stranger.content.decode()
    as_head = clients["operator_a"].post(
        url, {"new_head": household[2].pk, "old_head_relationship": 1, "date": "2026-04-01"}
    )
    assert "Hubungan kepala keluarga lama" in as_head.content.decode()
    assert registry_snapshot() == before


def test_operator_cannot_change_the_head_of_another_villages_family(clients, household):
    family, head, wife, daughter = household
    url = f"/registry/families/{family.pk}/head/"
    data = {"new_head": wife.pk, "old_head_relationship": 2, "date": "2026-04-01"}
    before = registry_snapshot()
    assert clients["operator_b"].post(url, data).status_code == 404
    assert clients["district_viewer"].get(url).status_code == 403
    assert registry_snapshot() == before


# Death and move out stay on the resident page, with the history


def test_resident_page_records_a_move_out_and_shows_the_history(clients, household):
    daughter = household[3]
    client = clients["operator_a"]
    page = client.get(f"/registry/residents/{daughter.pk}/").content.decode()
    assert 'value="move_out"' in page and 'value="death"' in page
    assert "Catat peristiwa</button>" in page
    client.post(
        f"/registry/residents/{daughter.pk}/event/",
        {"confirm": "on", "kind": "move_out", "date": "2026-05-02", "place": "Pontianak"},
    )
    daughter.refresh_from_db()
    assert daughter.status == Resident.Status.MOVED
    page = client.get(f"/registry/residents/{daughter.pk}/").content.decode()
    # The record stays on its card until another village takes it in: the event names the
    # card it left from, not a move off it ("KK … → —").
    number = daughter.family.family_number
    assert f"02-05-2026 — pindah keluar (Pontianak) · KK {number}</li>" in page
    refused = client.post(
        f"/registry/residents/{household[2].pk}/event/",
        {"confirm": "on", "kind": "death", "date": ""},
    )
    # Refused: the page again, the form kept (not a redirect, which lost it).
    assert refused.status_code == 200
    assert "Tanggal peristiwa: " in refused.content.decode()
    assert (
        clients["operator_b"]
        .post(
            f"/registry/residents/{household[2].pk}/event/",
            {"confirm": "on", "kind": "death", "date": "2026-01-01"},
        )
        .status_code
        == 404
    )


def test_pages_link_to_the_event_forms_for_those_who_may_write(clients, household):
    family, head = household[0], household[1]
    index = clients["operator_a"].get("/registry/").content.decode()
    assert "/registry/families/new/" in index and "/registry/move-in/" in index
    assert (
        "/registry/families/new/"
        in clients["operator_a"].get("/registry/families/").content.decode()
    )
    for name in ("district_viewer", "custodian"):
        page = clients[name].get(f"/registry/families/{family.pk}/").content.decode()
        assert (f"/registry/families/{family.pk}/split/" in page) == (name == "custodian")
    # Date inputs carry ISO values, or the browser shows them empty.
    edit = clients["operator_a"].get(f"/registry/residents/{head.pk}/edit/").content.decode()
    assert 'value="1990-05-17"' in edit


def test_a_member_registered_from_the_family_page_joins_the_family(clients, household):
    family = household[0]
    data = {
        **resident_data(name="Kakek", sex=1, relationship=7),
        "birth_date": "1990-05-17",
        "citizenship": 1,
        "village": VILLAGE_A,
        "family": family.pk,
    }
    response = clients["operator_a"].post("/registry/residents/new/", data)
    assert response.status_code == 302
    assert Resident.objects.get(name="Kakek").family_id == family.pk
    other = clients["operator_b"].post(
        "/registry/residents/new/", {**data, "village": VILLAGE_B, "name": "X"}
    )
    assert other.status_code == 404  # a family of village A cannot take village B's person


@pytest.mark.parametrize("action", ["birth", "split", "head"])
def test_operator_a_cannot_touch_a_village_b_family(clients, cast, action):
    village_b = Region.objects.get(code=VILLAGE_B)
    family = services.register_family(cast.operator_b, village_b, kk_for(VILLAGE_B, serial=51))
    member = services.register_resident(
        cast.operator_b, village_b, resident_data(name="Warga Runtu"), family=family
    )
    data = {
        **birth_form(),
        "members": [member.pk],
        "new_head": member.pk,
        "family_number": kk_for(serial=52),
        "old_head_relationship": 2,
        "date": "2026-01-01",
    }
    before = registry_snapshot()
    url = f"/registry/families/{family.pk}/{action}/"
    assert clients["operator_a"].get(url).status_code == 404
    assert clients["operator_a"].post(url, data).status_code == 404
    assert clients["operator_b"].get(url).status_code == 200
    assert registry_snapshot() == before


def test_the_family_list_names_each_head_and_finds_a_family_by_its_head(clients, cast, household):
    family, head, wife, daughter = household
    operator = clients["operator_a"]
    page = operator.get("/registry/families/").content.decode()
    assert '<td data-label="Kepala keluarga">Budi</td>' in page
    assert '<td data-label="Anggota yang hidup">3</td>' in page
    # By the start of the head's name; a wife's name finds no family, another village none.
    assert family.family_number in operator.get("/registry/families/?q=bud").content.decode()
    assert family.family_number not in operator.get("/registry/families/?q=siti").content.decode()
    other = clients["operator_b"].get("/registry/families/?q=budi").content.decode()
    assert family.family_number not in other
    district = clients["district_viewer"].get("/registry/families/?q=budi").content.decode()
    assert '<td data-label="Desa">Natai Raya</td>' in district  # the village by its name
    assert (
        family.family_number
        in operator.get(f"/registry/families/?q={family.family_number}").content.decode()
    )
    # A dead head is no head: the list shows none until the family names a new one.
    services.record_death(cast.operator_a, head, datetime.date(2026, 1, 2))
    page = operator.get("/registry/families/").content.decode()
    assert '<td data-label="Kepala keluarga">—</td>' in page
    assert '<td data-label="Anggota yang hidup">2</td>' in page
    services.change_head(cast.operator_a, family, wife)
    page = operator.get("/registry/families/").content.decode()
    assert '<td data-label="Kepala keluarga">Siti</td>' in page


def test_the_family_pager_keeps_the_search(clients, cast, village_a):
    for serial in range(51):
        family = services.register_family(cast.operator_a, village_a, kk_for(serial=100 + serial))
        services.register_resident(
            cast.operator_a,
            village_a,
            resident_data(name=f"Budi {serial:02d}", sex=1),
            family=family,
        )
    page = clients["operator_a"].get("/registry/families/?q=budi").content.decode()
    assert "?q=budi&amp;page=2" in page
    heads = re.findall(r'data-label="Kepala keluarga">(Budi \d+)<', page)
    assert heads == [f"Budi {n:02d}" for n in range(50)]  # a name search is in name order
    second = clients["operator_a"].get("/registry/families/?q=budi&page=2").content.decode()
    assert re.findall(r'data-label="Kepala keluarga">(Budi \d+)<', second) == ["Budi 50"]


def test_the_custodian_names_the_village_before_registering(clients):
    page = clients["custodian"].get("/registry/").content.decode()
    assert 'name="village" required' in page
    for action in ("/registry/residents/new/", "/registry/families/new/", "/registry/move-in/"):
        assert f'formaction="{action}"' in page
        assert clients["custodian"].get(f"{action}?village={VILLAGE_A}").status_code == 200
    own = clients["operator_a"].get("/registry/").content.decode()
    assert 'href="/registry/residents/new/"' in own and 'name="village" required' not in own
