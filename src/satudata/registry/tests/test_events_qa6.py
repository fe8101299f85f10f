"""QA of the family events (sixth session): a split that empties its card, event texts named
by the field the user typed them in, and the relationship of a person moving onto a card."""

from __future__ import annotations

import datetime

import pytest

from satudata.audit.models import AuditEntry
from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.regions.models import Region
from satudata.registry import services
from satudata.registry.models import Family, LifeEvent, Resident
from satudata.registry.tests.helpers import kk_for, registry_snapshot, resident_data
from satudata.registry.tests.test_api import post

pytestmark = pytest.mark.django_db

RLO = "\u202e"  # a right-to-left override: refused in every event text


# A split leaves someone living on the old card


def test_a_split_of_every_living_member_is_refused_on_the_members_field(clients, household):
    """QA: ticking every member made a new card and left the old one empty (no living
    member, a KK number nobody holds any more)."""
    family, head, wife, daughter = household
    number = kk_for(serial=61)
    before, audits = registry_snapshot(), AuditEntry.objects.count()
    response = clients["operator_a"].post(
        f"/registry/families/{family.pk}/split/",
        {
            "members": [head.pk, wife.pk, daughter.pk],
            "new_head": head.pk,
            "family_number": number,
            "date": "2026-03-01",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    message = f"kartu keluarga {family.family_number}"
    assert any(message in e and "setidaknya satu" in e for e in errors["members"]), errors
    assert message in response.content.decode()
    assert not Family.objects.filter(family_number=number).exists()
    assert registry_snapshot() == before and AuditEntry.objects.count() == audits


def test_a_split_leaving_only_the_dead_on_the_card_is_refused_through_the_api(
    clients, cast, household
):
    family, head, wife, daughter = household
    services.record_death(cast.operator_a, daughter, datetime.date(2026, 1, 2))
    before = registry_snapshot()
    answer = post(
        clients["operator_a"],
        f"/api/v1/families/{family.pk}/split",
        {"members": [head.pk, wife.pk], "new_head": wife.pk, "family_number": kk_for(serial=62)},
    )
    assert answer.status_code == 400
    assert f"kartu keluarga {family.family_number}" in answer.json()["detail"]
    assert registry_snapshot() == before


def test_a_split_that_leaves_a_living_member_still_goes_through(clients, household):
    family, head, wife, daughter = household
    number = kk_for(serial=63)
    response = clients["operator_a"].post(
        f"/registry/families/{family.pk}/split/",
        {
            "members": [daughter.pk],
            "new_head": daughter.pk,
            "family_number": number,
            "date": "2026-03-01",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Family.objects.get(family_number=number).members.get() == daughter


# Event texts are named as on the form they were typed in


def test_a_move_outs_destination_is_named_as_on_the_resident_page(clients, household):
    """QA: the refusal said "asal/tujuan" (the column), a word the page does not show."""
    daughter = household[3]
    before = registry_snapshot()
    page = clients["operator_a"].post(
        f"/registry/residents/{daughter.pk}/event/",
        {"kind": "move_out", "date": "2026-03-04", "place": f"Sampit{RLO}", "confirm": "on"},
        follow=True,
    )
    text = page.content.decode()
    assert "Pindah ke: berisi karakter tak terlihat" in text
    assert "asal/tujuan" not in text
    assert registry_snapshot() == before


def test_a_move_ins_origin_is_named_and_shown_on_the_origin_field(clients, household):
    before = registry_snapshot()
    response = clients["operator_a"].post(
        "/registry/move-in/",
        {
            "nik": "6201015501900001",
            "name": "Pendatang",
            "sex": 2,
            "birth_date": "1990-01-15",
            "citizenship": 1,
            "origin": f"Pontianak{RLO}",
            "date": "2026-01-01",
        },
    )
    errors = response.context["form"].errors
    assert "origin" in errors, errors
    assert errors["origin"][0].startswith("berisi karakter tak terlihat")  # beside "pindah dari"
    assert "Pindah dari: berisi karakter tak terlihat" in response.content.decode()
    assert "asal/tujuan" not in response.content.decode()
    assert registry_snapshot() == before


def test_the_api_names_the_field_of_the_request(clients, household):
    daughter = household[3]
    answer = post(
        clients["operator_a"],
        f"/api/v1/residents/{daughter.pk}/events",
        {"kind": "move_out", "place": f"Sampit{RLO}"},
    )
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("pindah ke: berisi karakter tak terlihat")
    answer = post(
        clients["operator_a"],
        f"/api/v1/residents/{daughter.pk}/events",
        {"kind": "move_out", "place": "x" * 101},
    )
    assert answer.status_code == 400 and answer.json()["detail"].startswith("pindah ke: ")


def test_a_corrections_reason_is_named_as_the_reason(clients, cast, household):
    daughter = household[3]
    services.record_death(cast.operator_a, daughter, datetime.date(2026, 1, 2))
    page = clients["operator_a"].post(
        f"/registry/residents/{daughter.pk}/correct/", {"note": f"salah orang{RLO}"}, follow=True
    )
    text = page.content.decode()
    assert "Alasan status yang tercatat salah: berisi karakter tak terlihat" in text
    assert "catatan:" not in text.lower()
    daughter.refresh_from_db()
    assert daughter.status == Resident.Status.DEAD


# A person moving onto a card is given a relationship to its head


@pytest.fixture
def son_moved_from_b(cast):
    """Andi, a son (4) on a card of village B, whose village recorded his move out to A."""
    village_b = Region.objects.get(code=VILLAGE_B)
    card = services.register_family(cast.operator_b, village_b, kk_for(VILLAGE_B, serial=64))
    register = services.register_resident
    register(cast.operator_b, village_b, resident_data(name="Joko", sex=1), family=card)
    born = datetime.date(2000, 6, 1)
    son = register(
        cast.operator_b,
        village_b,
        resident_data(name="Andi", sex=1, relationship=4, birth_date=born),
        family=card,
    )
    services.record_move_out(cast.operator_b, son, datetime.date(2026, 2, 1), to_village=VILLAGE_A)
    return son


def move_in(client, person, family, **extra):
    form = {"nik": person.nik, "confirm": "on", "family_number": family.family_number}
    return client.post("/registry/move-in/", form | {"date": "2026-02-10"} | extra)


def test_a_move_in_onto_a_card_asks_the_relationship_to_its_head(
    clients, household, son_moved_from_b
):
    """QA: Andi joined Budi's card as "Anak", his relationship to Joko on his old card."""
    family = household[0]
    before = registry_snapshot()
    response = move_in(clients["operator_a"], son_moved_from_b, family)
    assert response.status_code == 200, response.get("Location")
    errors = response.context["form"].errors
    assert "relationship" in errors, errors
    assert errors["relationship"][0].startswith("pilih hubungan dengan kepala keluarga")
    assert family.family_number in errors["relationship"][0]
    assert registry_snapshot() == before
    done = move_in(clients["operator_a"], son_moved_from_b, family, relationship=5)
    assert done.status_code == 302
    son_moved_from_b.refresh_from_db()
    assert (son_moved_from_b.family_id, son_moved_from_b.relationship) == (family.pk, 5)


def test_a_move_in_as_a_second_head_is_refused(clients, household, son_moved_from_b):
    family = household[0]
    before = registry_snapshot()
    response = move_in(clients["operator_a"], son_moved_from_b, family, relationship=1)
    assert "sudah punya kepala keluarga" in str(response.context["form"].errors["relationship"])
    assert registry_snapshot() == before


def test_a_new_person_moving_onto_a_card_is_asked_the_relationship_too(clients, household):
    family = household[0]
    before = registry_snapshot()
    response = clients["operator_a"].post(
        "/registry/move-in/",
        {
            "nik": "6201015501900002",
            "name": "Pendatang",
            "sex": 2,
            "birth_date": "1990-01-15",
            "citizenship": 1,
            "date": "2026-01-01",
            "family_number": family.family_number,
        },
    )
    assert response.status_code == 200, response.get("Location")
    assert "relationship" in response.context["form"].errors
    assert registry_snapshot() == before


def test_the_first_person_on_an_empty_card_becomes_its_head(clients, cast, son_moved_from_b):
    """An empty card (just registered for the newcomer) has one sensible place: its head."""
    card = services.register_family(
        cast.operator_a, Region.objects.get(code=VILLAGE_A), kk_for(serial=65)
    )
    done = move_in(clients["operator_a"], son_moved_from_b, card)
    assert done.status_code == 302
    son_moved_from_b.refresh_from_db()
    assert (son_moved_from_b.family_id, son_moved_from_b.relationship) == (card.pk, 1)
    assert son_moved_from_b.village_id == VILLAGE_A


def test_the_api_move_in_onto_a_card_takes_a_relationship(clients, household, son_moved_from_b):
    family = household[0]
    payload = {"village": VILLAGE_A, "nik": son_moved_from_b.nik, "from_village": VILLAGE_B}
    payload |= {"family": family.pk, "date": "2026-02-10"}
    before = registry_snapshot()
    refused = post(clients["operator_a"], "/api/v1/move-ins", payload)
    assert refused.status_code == 400
    assert refused.json()["detail"].startswith("hubungan dalam keluarga: ")
    assert registry_snapshot() == before
    done = post(clients["operator_a"], "/api/v1/move-ins", payload | {"relationship": 7})
    assert done.status_code == 201, done.content
    assert done.json()["relationship"] == 7
    event = LifeEvent.objects.filter(resident=son_moved_from_b, kind="move_in").get()
    assert event.family_after == family.family_number


# A new head joins a card only once the head before has left it


def test_a_pindah_kk_as_head_is_not_dated_before_the_old_head_died(clients, cast, household):
    """Budi died on 1 March; Anton joined as head "on 1 February": the card had two living
    heads in February (as the change of head already refuses, fifth session)."""
    family, head = household[0], household[1]
    services.record_death(cast.operator_a, head, datetime.date(2026, 3, 1))
    anton = services.register_resident(
        cast.operator_a, family.village, resident_data(name="Anton", sex=1, relationship=None)
    )
    url = f"/registry/residents/{anton.pk}/family/"
    form = {"family_number": family.family_number, "relationship": 1}
    before = registry_snapshot()
    early = clients["operator_a"].post(url, form | {"date": "2026-02-01"})
    assert early.status_code == 200
    errors = early.context["form"].errors
    assert "Budi" in errors["date"][0] and "01-03-2026" in errors["date"][0], errors
    assert registry_snapshot() == before
    later = clients["operator_a"].post(url, form | {"date": "2026-03-02"})
    assert later.status_code == 302
    anton.refresh_from_db()
    assert (anton.family_id, anton.relationship) == (family.pk, 1)


def test_a_move_in_as_head_is_not_dated_before_the_old_head_died(
    clients, cast, household, son_moved_from_b
):
    family, head = household[0], household[1]
    services.record_death(cast.operator_a, head, datetime.date(2026, 3, 1))
    before = registry_snapshot()
    early = move_in(clients["operator_a"], son_moved_from_b, family, relationship=1)
    assert early.status_code == 200
    errors = early.context["form"].errors
    assert "Budi" in errors["date"][0], errors
    assert registry_snapshot() == before
    later = move_in(
        clients["operator_a"], son_moved_from_b, family, relationship=1, date="2026-03-05"
    )
    assert later.status_code == 302
