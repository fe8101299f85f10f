"""A move out may name its destination village: only that village then takes the record in,
finding the person in its list of arrivals (no NIK to type from the moving letter)."""

from __future__ import annotations

import datetime

import pytest

from satudata.accounts.models import User
from satudata.conftest import OTHER_DISTRICT_VILLAGE, VILLAGE_A, VILLAGE_B, client_for, make_user
from satudata.regions.models import Region
from satudata.registry.models import Resident
from satudata.registry.tests.helpers import registry_snapshot
from satudata.registry.tests.test_api import post

pytestmark = pytest.mark.django_db

MOVED = datetime.date(2026, 3, 4)


def move_out(client, person: Resident, to_village: str = "", **extra):
    """The resident page's form, as the operator sends it."""
    form = {"kind": "move_out", "date": MOVED.isoformat(), "to_village": to_village}
    return client.post(
        f"/registry/residents/{person.pk}/event/", form | {"confirm": "on"} | extra, follow=True
    )


def take_in_at_b(client, person: Resident):
    """Village B's move-in form, sent without a KK number (no card chosen)."""
    form = {"village": VILLAGE_B, "nik": person.nik, "confirm": "on", "origin": "Natai Raya"}
    form |= {"date": "2026-03-10", "citizenship": 1}
    return client.post("/registry/move-in/", form, follow=True)


@pytest.fixture
def daughter_moved_to_b(clients, household):
    """Rina, of village A, moves out to village B (typed without dots, as on the letter)."""
    daughter = household[3]
    page = move_out(clients["operator_a"], daughter, VILLAGE_B.replace(".", ""))
    assert "Peristiwa telah dicatat" in page.content.decode()
    return daughter


def test_the_destination_sees_the_arrival_and_takes_the_record_in(clients, daughter_moved_to_b):
    daughter = daughter_moved_to_b
    event = daughter.events.get(kind="move_out")
    assert event.to_village_id == VILLAGE_B and event.other_place == "Runtu"
    index = clients["operator_b"].get("/registry/").content.decode()
    assert "Akan pindah ke desa ini" in index and "Rina" in index
    assert f"/registry/move-in/?arrival={event.pk}" in index
    # The list is the destination's alone.
    assert "Akan pindah ke desa ini" not in clients["operator_a"].get("/registry/").content.decode()
    # From the list, the form comes filled in: NIK, origin and the confirmation.
    form = clients["operator_b"].get(f"/registry/move-in/?arrival={event.pk}").content.decode()
    assert f'value="{daughter.nik}"' in form and 'value="Natai Raya"' in form
    done = take_in_at_b(clients["operator_b"], daughter)
    assert "Kedatangan Rina telah dicatat" in done.content.decode()
    daughter.refresh_from_db()
    assert (daughter.village_id, daughter.status) == (VILLAGE_B, Resident.Status.ALIVE)
    # Taken in: a resident of B now, no longer waiting.
    assert "Akan pindah ke desa ini" not in clients["operator_b"].get("/registry/").content.decode()


def test_another_village_cannot_take_a_record_released_to_one(clients, daughter_moved_to_b):
    village_c = Region.objects.get(code=OTHER_DISTRICT_VILLAGE)
    operator_c = make_user("operator.c", User.Role.VILLAGE_OPERATOR, region=village_c)
    before = registry_snapshot()
    answer = post(
        client_for(operator_c),
        "/api/v1/move-ins",
        {"village": village_c.code, "nik": daughter_moved_to_b.nik, "from_village": VILLAGE_A},
    )
    assert answer.status_code == 400
    assert "hanya desa itu yang dapat mencatat pindah datang" in answer.json()["detail"]
    assert "Runtu" in answer.json()["detail"]
    # Nor does the arrival show there, nor through the API.
    event = daughter_moved_to_b.events.get(kind="move_out")
    page = client_for(operator_c).get(f"/registry/move-in/?arrival={event.pk}")
    assert page.status_code == 200
    assert daughter_moved_to_b.nik not in page.content.decode()
    listed = client_for(operator_c).get(f"/api/v1/arrivals?village={village_c.code}")
    assert listed.status_code == 200 and listed.json() == []
    assert registry_snapshot() == before


def test_the_custodian_may_take_it_anywhere(clients, daughter_moved_to_b):
    taken = post(
        clients["custodian"],
        "/api/v1/move-ins",
        {
            "village": OTHER_DISTRICT_VILLAGE,
            "nik": daughter_moved_to_b.nik,
            "from_village": VILLAGE_A,
        },
    )
    assert taken.status_code == 201 and taken.json()["village"] == OTHER_DISTRICT_VILLAGE


def test_the_api_names_a_destination_and_lists_arrivals(clients, household):
    _family, _head, _wife, daughter = household
    out = post(
        clients["operator_a"],
        f"/api/v1/residents/{daughter.pk}/events",
        {"kind": "move_out", "to_village": VILLAGE_B, "date": "2026-03-04"},
    )
    assert out.status_code == 201
    listed = clients["operator_b"].get(f"/api/v1/arrivals?village={VILLAGE_B}")
    assert listed.json() == [
        {
            "nik": daughter.nik,
            "name": "Rina",
            "sex": 2,
            "from_village": VILLAGE_A,
            "moved_out": "2026-03-04",
        }
    ]
    # Only an account that may write the destination sees who is coming.
    assert clients["operator_a"].get(f"/api/v1/arrivals?village={VILLAGE_B}").status_code == 403
    assert clients["anonymous"].get(f"/api/v1/arrivals?village={VILLAGE_B}").status_code == 401


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("99.99.99.9999", "bukan kode desa"),
        ("62.01.02", "bukan kode desa"),  # a district, not a village
        ("desa sebelah", "bukan kode desa"),
        (VILLAGE_A, "sudah tinggal di desa ini"),
    ],
)
def test_a_wrong_destination_is_named_and_nothing_is_stored(clients, household, code, message):
    daughter = household[3]
    before = registry_snapshot()
    page = move_out(clients["operator_a"], daughter, code).content.decode()
    assert "Kode desa tujuan: " in page and message in page
    api = post(
        clients["operator_a"],
        f"/api/v1/residents/{daughter.pk}/events",
        {"kind": "move_out", "to_village": code},
    )
    assert api.status_code == 400 and message in api.json()["detail"]
    assert registry_snapshot() == before


def test_a_move_out_without_destination_stays_open_to_any_village(clients, household):
    daughter = household[3]
    move_out(clients["operator_a"], daughter, "", place="Pontianak")
    assert daughter.events.get(kind="move_out").other_place == "Pontianak"
    taken = post(
        clients["operator_b"],
        "/api/v1/move-ins",
        {"village": VILLAGE_B, "nik": daughter.nik, "from_village": VILLAGE_A},
    )
    assert taken.status_code == 201


def test_after_a_correction_the_move_out_recorded_last_counts_whatever_its_date(clients, household):
    daughter = household[3]
    client = clients["operator_a"]
    events = f"/api/v1/residents/{daughter.pk}/events"
    post(client, events, {"kind": "move_out", "to_village": VILLAGE_B, "date": "2026-03-20"})
    post(client, events, {"kind": "correction", "note": "salah desa tujuan"})
    village_c = OTHER_DISTRICT_VILLAGE
    again = post(
        client, events, {"kind": "move_out", "to_village": village_c, "date": "2026-03-10"}
    )
    assert again.status_code == 201
    # The old destination no longer waits for her, nor may take her in.
    assert clients["operator_b"].get(f"/api/v1/arrivals?village={VILLAGE_B}").json() == []
    refused = post(
        clients["operator_b"],
        "/api/v1/move-ins",
        {"village": VILLAGE_B, "nik": daughter.nik, "from_village": VILLAGE_A},
    )
    assert refused.status_code == 400 and "Sungai Raya" in refused.json()["detail"]
    # The origin sees where it released the record.
    page = client.get(f"/registry/residents/{daughter.pk}/").content.decode()
    assert f"desa tujuan: Sungai Raya ({village_c})" in page


def test_a_destination_outside_the_regencies_served_is_refused(clients, household):
    outside = Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="61.01.").first()
    answer = post(
        clients["operator_a"],
        f"/api/v1/residents/{household[3].pk}/events",
        {"kind": "move_out", "to_village": outside.code},
    )
    assert (
        answer.status_code == 400 and "bukan kode desa di kabupaten ini" in answer.json()["detail"]
    )


@pytest.mark.parametrize(
    "url", ["/registry/move-in/?arrival=%C2%B2", "/registry/residents/new/?family=%C2%B2"]
)
def test_digits_other_than_0_to_9_in_an_id_are_not_a_server_error(clients, url):
    assert clients["operator_a"].get(url).status_code in (200, 404)


def test_the_custodian_lists_a_villages_arrivals(clients, daughter_moved_to_b):
    page = clients["custodian"].get(f"/registry/?arrivals=1&village={VILLAGE_B.replace('.', '')}")
    text = page.content.decode()
    assert f"Akan pindah ke desa ini: Runtu ({VILLAGE_B})" in text and "Rina" in text
    # Its link opens the filled move-in form of that village (the custodian writes many).
    event = daughter_moved_to_b.events.get(kind="move_out")
    link = f"/registry/move-in/?arrival={event.pk}&amp;village={VILLAGE_B}"
    assert link in text
    form = clients["custodian"].get(link.replace("&amp;", "&"))
    assert form.status_code == 200
    assert f'value="{daughter_moved_to_b.nik}"' in form.content.decode()
    # Without the button, or for a code that is no village, no list.
    assert "<h2>Akan pindah" not in clients["custodian"].get("/registry/").content.decode()
    assert (
        "<h2>Akan pindah"
        not in clients["custodian"].get("/registry/?arrivals=1&village=xyz").content.decode()
    )


def test_an_operator_cannot_list_another_villages_arrivals(clients, daughter_moved_to_b):
    """The village parameter is the custodian's: an operator of A asking for B's list gets
    A's own page, without B's list of arrivals (Rina, on her way to B, stays listed as A's
    resident who moved out)."""
    for code in (VILLAGE_B, VILLAGE_B.replace(".", "")):
        page = clients["operator_a"].get(f"/registry/?arrivals=1&village={code}")
        assert page.status_code == 200
        text = page.content.decode()
        assert "<h2>Akan pindah ke desa ini" not in text
        event = daughter_moved_to_b.events.get(kind="move_out")
        assert f"/registry/move-in/?arrival={event.pk}" not in text


def test_taken_in_without_a_card_the_record_keeps_no_relationship(clients, daughter_moved_to_b):
    """Rina was "Anak" on her card in A; taken into B without a KK number she is on no card,
    so "Anak" of nobody would go out in B's exports (kk_level 4 beside an empty no_kk)."""
    done = take_in_at_b(clients["operator_b"], daughter_moved_to_b)
    assert "Kedatangan Rina telah dicatat" in done.content.decode()
    daughter_moved_to_b.refresh_from_db()
    assert daughter_moved_to_b.family is None and daughter_moved_to_b.relationship is None
