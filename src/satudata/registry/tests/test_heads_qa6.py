"""QA of the family heads (sixth session, third pass): a new head is not dated before a head
who left the card by pindah KK or moved away, the first living member of a card is its head,
and a move in's `relationship` without `family` is refused, not dropped."""

from __future__ import annotations

import datetime

import pytest

from satudata.audit.models import AuditEntry
from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.regions.models import Region
from satudata.registry import services
from satudata.registry.models import Resident
from satudata.registry.tests.helpers import kk_for, registry_snapshot, resident_data
from satudata.registry.tests.test_api import post

pytestmark = pytest.mark.django_db


def unchanged():
    return registry_snapshot(), AuditEntry.objects.count()


@pytest.fixture
def empty_card(cast, village_a):
    return services.register_family(cast.operator_a, village_a, kk_for(serial=71))


def newcomer(cast, village_a, name: str, sex: int = 1, serial: int | None = None) -> Resident:
    """A living resident of village A on no card (registered without one)."""
    data = resident_data(name=name, sex=sex, relationship=None)
    if serial:
        data["nik"] = data["nik"][:-4] + f"{serial:04d}"
    return services.register_resident(cast.operator_a, village_a, data)


def join(client, person, family, relationship, date):
    return post(
        client,
        f"/api/v1/residents/{person.pk}/family",
        {"family": family.pk, "relationship": relationship, "date": date},
    )


@pytest.fixture
def left_by_pindah_kk(clients, cast, village_a, household, empty_card):
    """QA's steps: Rudi joins the empty card as its head on 1 March and leaves it for Budi's
    card on 20 March (pindah KK); the card is empty again."""
    rudi = newcomer(cast, village_a, "Rudi", serial=81)
    operator = clients["operator_a"]
    assert join(operator, rudi, empty_card, 1, "2026-03-01").status_code == 200
    assert join(operator, rudi, household[0], 10, "2026-03-20").status_code == 200
    return rudi


# 1. A new head joins a card only once the head before left it


def test_a_pindah_kk_as_head_is_not_dated_before_the_old_head_left_by_pindah_kk(
    clients, cast, village_a, empty_card, left_by_pindah_kk
):
    """QA: Anton joined as head "on 10 March" while Rudi headed the card until the 20th: the
    card had two heads in between."""
    anton = newcomer(cast, village_a, "Anton", serial=82)
    before = unchanged()
    early = join(clients["operator_a"], anton, empty_card, 1, "2026-03-10")
    assert early.status_code == 400, early.content
    detail = early.json()["detail"]
    assert detail.startswith("tanggal: 10-03-2026"), detail
    assert "Rudi" in detail and "20-03-2026" in detail, detail
    assert unchanged() == before
    later = join(clients["operator_a"], anton, empty_card, 1, "2026-03-20")
    assert later.status_code == 200, later.content
    anton.refresh_from_db()
    assert (anton.family_id, anton.relationship) == (empty_card.pk, 1)


def test_a_move_in_as_head_is_not_dated_before_the_old_head_left_by_pindah_kk(
    clients, cast, empty_card, left_by_pindah_kk, son_moved_from_b
):
    payload = {"village": VILLAGE_A, "nik": son_moved_from_b.nik, "from_village": VILLAGE_B}
    payload |= {"family": empty_card.pk, "relationship": 1}
    before = unchanged()
    early = post(clients["operator_a"], "/api/v1/move-ins", payload | {"date": "2026-03-10"})
    assert early.status_code == 400, early.content
    assert "Rudi" in early.json()["detail"] and "20-03-2026" in early.json()["detail"]
    assert unchanged() == before
    done = post(clients["operator_a"], "/api/v1/move-ins", payload | {"date": "2026-03-21"})
    assert done.status_code == 201, done.content
    assert done.json()["relationship"] == 1


def test_a_new_person_moving_in_onto_the_empty_card_is_not_its_head_before_either(
    clients, empty_card, left_by_pindah_kk
):
    """A NIK new to the database becomes the empty card's head (no relationship given):
    dated before Rudi left, refused the same way."""
    person = resident_data(name="Pendatang", sex=2)
    nik = person.pop("nik")
    person.pop("relationship")
    payload = {"village": VILLAGE_A, "nik": nik, "family": empty_card.pk}
    payload |= {"person": person | {"village": VILLAGE_A}, "date": "2026-03-10"}
    before = unchanged()
    early = post(clients["operator_a"], "/api/v1/move-ins", payload)
    assert early.status_code == 400, early.content
    assert "Rudi" in early.json()["detail"]
    assert unchanged() == before
    done = post(clients["operator_a"], "/api/v1/move-ins", payload | {"date": "2026-03-20"})
    assert done.status_code == 201, done.content
    assert done.json()["relationship"] == 1


def test_a_new_head_is_not_dated_before_the_old_head_moved_to_another_village(
    clients, cast, village_a, empty_card
):
    """The head who moved out and was taken in by another village is no member of the card
    any more; their move out still ends their headship."""
    rudi = newcomer(cast, village_a, "Rudi", serial=83)
    assert join(clients["operator_a"], rudi, empty_card, 1, "2026-03-01").status_code == 200
    rudi.refresh_from_db()
    services.record_move_out(
        cast.operator_a, rudi, datetime.date(2026, 3, 20), to_village=VILLAGE_B
    )
    services.record_move_in(
        cast.operator_b,
        Region.objects.get(code=VILLAGE_B),
        rudi.nik,
        date=datetime.date(2026, 3, 25),
    )
    anton = newcomer(cast, village_a, "Anton", serial=84)
    before = unchanged()
    early = join(clients["operator_a"], anton, empty_card, 1, "2026-03-10")
    assert early.status_code == 400, early.content
    assert "Rudi" in early.json()["detail"] and "20-03-2026" in early.json()["detail"]
    assert unchanged() == before
    assert join(clients["operator_a"], anton, empty_card, 1, "2026-03-22").status_code == 200


def test_a_member_who_left_without_heading_the_card_does_not_hold_the_new_head_back(
    clients, cast, village_a, empty_card
):
    """Only a head's leaving ends a headship: a child who left after the head died does not
    date the next head."""
    rudi = newcomer(cast, village_a, "Rudi", serial=85)
    child = newcomer(cast, village_a, "Dewi", sex=2, serial=86)
    operator = clients["operator_a"]
    assert join(operator, rudi, empty_card, 1, "2026-03-01").status_code == 200
    assert join(operator, child, empty_card, 4, "2026-03-01").status_code == 200
    rudi.refresh_from_db()
    services.record_death(cast.operator_a, rudi, datetime.date(2026, 3, 5))
    other = services.register_family(cast.operator_a, village_a, kk_for(serial=72))
    assert join(operator, child, other, 1, "2026-03-20").status_code == 200
    anton = newcomer(cast, village_a, "Anton", serial=87)
    assert join(operator, anton, empty_card, 1, "2026-03-04").status_code == 400  # Rudi's death
    done = join(operator, anton, empty_card, 1, "2026-03-10")
    assert done.status_code == 200, done.content


# 2. The first living member of a card is its head


def test_a_move_in_onto_an_empty_card_as_a_child_is_refused(clients, empty_card, son_moved_from_b):
    """QA: the only living member of the card was an "Anak", with no head."""
    payload = {"village": VILLAGE_A, "nik": son_moved_from_b.nik, "from_village": VILLAGE_B}
    payload |= {"family": empty_card.pk, "relationship": 4, "date": "2026-02-10"}
    before = unchanged()
    refused = post(clients["operator_a"], "/api/v1/move-ins", payload)
    assert refused.status_code == 400, refused.content
    detail = refused.json()["detail"]
    assert detail.startswith("hubungan dalam keluarga: "), detail
    assert empty_card.family_number in detail and "Kepala Keluarga" in detail, detail
    assert unchanged() == before
    done = post(clients["operator_a"], "/api/v1/move-ins", payload | {"relationship": 1})
    assert done.status_code == 201, done.content
    assert done.json()["relationship"] == 1


def test_a_registration_onto_a_card_whose_members_died_as_a_child_is_refused(
    clients, cast, empty_card
):
    """The same rule as a move in's (`_card_relationship`): a card whose members all died
    has no living member either."""
    operator = clients["operator_a"]
    head = services.register_resident(
        cast.operator_a, empty_card.village, resident_data(name="Rudi", sex=1), family=empty_card
    )
    services.record_death(cast.operator_a, head, datetime.date(2026, 3, 5))
    data = resident_data(name="Dewi", relationship=4) | {"village": VILLAGE_A}
    before = unchanged()
    refused = post(operator, "/api/v1/residents", data | {"family": empty_card.pk})
    assert refused.status_code == 400, refused.content
    assert refused.json()["detail"].startswith("hubungan dalam keluarga: ")
    assert unchanged() == before
    data.pop("relationship")
    done = post(operator, "/api/v1/residents", data | {"family": empty_card.pk})
    assert done.status_code == 201, done.content
    assert done.json()["relationship"] == 1


# 3. A move in's relationship needs a card


def test_a_move_in_with_a_relationship_but_no_family_is_refused(clients, son_moved_from_b):
    """QA: answered 201 and dropped the relationship."""
    payload = {"village": VILLAGE_A, "nik": son_moved_from_b.nik, "from_village": VILLAGE_B}
    payload |= {"relationship": 4, "date": "2026-02-10"}
    before = unchanged()
    refused = post(clients["operator_a"], "/api/v1/move-ins", payload)
    assert refused.status_code == 400, refused.content
    detail = refused.json()["detail"]
    assert detail.startswith("relationship: ") and "family" in detail, detail
    assert unchanged() == before
    payload.pop("relationship")
    done = post(clients["operator_a"], "/api/v1/move-ins", payload)
    assert done.status_code == 201, done.content
    assert done.json()["family"] is None


@pytest.fixture
def son_moved_from_b(cast):
    """Andi, a son (4) on a card of village B, whose village recorded his move out to A."""
    village_b = Region.objects.get(code=VILLAGE_B)
    card = services.register_family(cast.operator_b, village_b, kk_for(VILLAGE_B, serial=74))
    register = services.register_resident
    register(cast.operator_b, village_b, resident_data(name="Joko", sex=1), family=card)
    son = register(
        cast.operator_b,
        village_b,
        resident_data(name="Andi", sex=1, relationship=4, birth_date=datetime.date(2000, 6, 1)),
        family=card,
    )
    services.record_move_out(cast.operator_b, son, datetime.date(2026, 2, 1), to_village=VILLAGE_A)
    return son


def test_a_pindah_kk_onto_an_empty_card_as_a_child_is_refused(clients, cast, village_a, empty_card):
    """As a registration or a move in onto it: a child alone on a card would leave it
    without a head (the last helper's open point)."""
    rina = newcomer(cast, village_a, "Rina", sex=2, serial=91)
    before = unchanged()
    refused = join(clients["operator_a"], rina, empty_card, 4, "2026-03-10")
    assert refused.status_code == 400, refused.content
    detail = refused.json()["detail"]
    assert detail.startswith("hubungan dalam keluarga: kartu keluarga"), detail
    assert empty_card.family_number in detail
    assert unchanged() == before
    assert join(clients["operator_a"], rina, empty_card, 1, "2026-03-10").status_code == 200
