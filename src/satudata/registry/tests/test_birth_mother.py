"""A birth may name the mother from the family card: her record gives the parents' names and
is checked (a woman of the card, alive at the birth, old enough to be the mother)."""

from __future__ import annotations

import datetime

import pytest

from satudata.registry import services
from satudata.registry.models import Resident
from satudata.registry.tests.helpers import kk_for, registry_snapshot, resident_data
from satudata.registry.tests.test_api import post
from satudata.registry.tests.test_event_pages import birth_form

pytestmark = pytest.mark.django_db


def test_the_mother_picked_from_the_card_names_both_parents(clients, household):
    family, _head, wife, _daughter = household
    url = f"/registry/families/{family.pk}/birth/"
    page = clients["operator_a"].get(url).content.decode()
    assert "ibu di kartu keluarga ini" in page
    assert f'<option value="{wife.pk}">Siti</option>' in page
    assert ">Budi</option>" not in page  # a man is not offered
    clients["operator_a"].post(url, birth_form(mother=wife.pk, father_name="", mother_name=""))
    baby = Resident.objects.get(name="Bayi Budi")
    assert (baby.mother_name, baby.father_name) == ("Siti", "Budi")


def test_a_father_typed_by_the_operator_is_kept(clients, household):
    family, _head, wife, _daughter = household
    answer = post(
        clients["operator_a"],
        f"/api/v1/families/{family.pk}/births",
        birth_form(mother=wife.pk, father_name="Ahmad", mother_name="") | {"sex": 1},
    )
    assert answer.status_code == 201
    assert (answer.json()["mother_name"], answer.json()["father_name"]) == ("Siti", "Ahmad")


def test_a_mother_who_cannot_be_is_refused_naming_her(clients, cast, household, village_a):
    family, head, wife, daughter = household
    other_family = services.register_family(cast.operator_a, village_a, kk_for(serial=77))
    stranger = services.register_resident(
        cast.operator_a,
        village_a,
        resident_data(name="Ani", birth_date=datetime.date(1985, 2, 1)),
        family=other_family,
    )
    url = f"/api/v1/families/{family.pk}/births"
    before = registry_snapshot()
    cases = [
        (head.pk, "Budi tercatat laki-laki"),
        (stranger.pk, f"tidak ada anggota kartu keluarga ini dengan id {stranger.pk}"),
        (999999, "tidak ada anggota kartu keluarga ini dengan id 999999"),
    ]
    for mother, message in cases:
        answer = post(clients["operator_a"], url, birth_form(mother=mother))
        assert answer.status_code == 400 and message in answer.json()["detail"], answer.json()
    # Rina, born 09-03-2005, cannot be the mother of a baby born in 2014.
    young = post(
        clients["operator_a"],
        url,
        birth_form(mother=daughter.pk, birth_date=datetime.date(2014, 6, 1)),
    )
    assert young.status_code == 400
    assert "Ibu: Rina (lahir 09-03-2005) terlalu muda" in young.json()["detail"]
    # The web form says the same, on the field.
    page = clients["operator_a"].post(
        f"/registry/families/{family.pk}/birth/",
        birth_form(mother=daughter.pk, birth_date=datetime.date(2014, 6, 1)),
    )
    assert "terlalu muda untuk menjadi ibunya" in page.content.decode()
    assert registry_snapshot() == before


def test_a_mother_who_died_before_the_birth_is_refused_but_not_in_childbirth(
    clients, cast, household
):
    family, _head, wife, _daughter = household
    services.record_death(cast.operator_a, wife, datetime.date(2026, 1, 5))
    url = f"/api/v1/families/{family.pk}/births"
    before = registry_snapshot()
    late = post(
        clients["operator_a"], url, birth_form(mother=wife.pk, birth_date=datetime.date(2026, 1, 9))
    )
    assert late.status_code == 400 and "tidak tercatat hidup" in late.json()["detail"]
    assert registry_snapshot() == before
    same_day = post(clients["operator_a"], url, birth_form(mother=wife.pk))
    assert same_day.status_code == 201 and same_day.json()["mother_name"] == "Siti"


def test_a_baby_of_the_heads_daughter_is_a_grandchild(clients, cast, household, village_a):
    family, _head, _wife, daughter = household
    url = f"/api/v1/families/{family.pk}/births"
    body = birth_form(mother=daughter.pk, birth_date=datetime.date(2026, 1, 5))
    del body["relationship"]
    assert post(clients["operator_a"], url, body).json()["relationship"] == 6
    # The form's default "4 – Anak" is refused for her baby, naming the field.
    page = clients["operator_a"].post(
        f"/registry/families/{family.pk}/birth/",
        birth_form(mother=daughter.pk, name="Bayi Kedua", nik=""),
    )
    assert "pilih 6 – Cucu" in page.content.decode()


def test_no_father_is_guessed_once_the_headship_changed_hands(clients, cast, household):
    family, head, wife, _daughter = household
    services.record_death(cast.operator_a, head, datetime.date(2025, 12, 1))
    son = services.register_resident(
        cast.operator_a,
        head.village,
        resident_data(name="Rahmat", sex=1, relationship=4, birth_date=datetime.date(2000, 1, 2)),
        family=family,
    )
    services.change_head(cast.operator_a, family, son)
    answer = post(
        clients["operator_a"],
        f"/api/v1/families/{family.pk}/births",
        birth_form(mother=wife.pk, father_name="", mother_name=""),
    )
    assert answer.status_code == 201
    assert (answer.json()["mother_name"], answer.json()["father_name"]) == ("Siti", "")


def test_a_stale_pick_is_named_and_girls_are_not_offered_as_mothers(clients, cast, household):
    family, _head, wife, _daughter = household
    services.register_resident(
        cast.operator_a,
        family.village,
        resident_data(name="Wahyuni", relationship=4, birth_date=datetime.date(2023, 4, 5)),
        family=family,
    )
    url = f"/registry/families/{family.pk}/birth/"
    assert ">Wahyuni</option>" not in clients["operator_a"].get(url).content.decode()
    # A death over a year ago (a recent one leaves her offered: she may have died in
    # childbirth, and the birth date decides).
    services.record_death(cast.operator_a, wife, datetime.date(2020, 12, 1))
    page = clients["operator_a"].post(url, birth_form(mother=wife.pk)).content.decode()
    assert "tidak dapat dipilih lagi: kartu keluarga berubah" in page
