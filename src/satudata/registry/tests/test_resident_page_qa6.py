"""QA of the sixth session, after the family events: a refused event or correction on the
resident's page keeps the form (typed values, each error beside its field), and a person
registered onto a family card is given a relationship to its head."""

from __future__ import annotations

import datetime
import html
import re

import pytest

from satudata.conftest import VILLAGE_A
from satudata.registry import services
from satudata.registry.models import Resident
from satudata.registry.tests.helpers import kk_for, nik_for, registry_snapshot
from satudata.registry.tests.test_api import post

pytestmark = pytest.mark.django_db

RLO = "\u202e"  # a right-to-left override: refused in every event text


def field_errors(page: str, field: str) -> str:
    """The error list Django renders beside one field (`id_<field>_error`), as text."""
    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', page, re.S)
    assert found, f"no errors beside {field}"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


def typed(page: str, field: str) -> str:
    """The value an <input name=field> shows."""
    found = re.search(rf'<input[^>]*name="{field}"[^>]*value="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else ""


def event(client, person, **form):
    return client.post(f"/registry/residents/{person.pk}/event/", {"confirm": "on"} | form)


# A refused event or correction stays on the page, with what was typed


def test_a_refused_move_out_keeps_the_form_and_names_the_destination_beside_it(clients, household):
    """QA: the refusal named "pindah ke" but came as a message at the top of the page, after
    a redirect that emptied the form."""
    daughter = household[3]
    before = registry_snapshot()
    response = event(
        clients["operator_a"],
        daughter,
        kind="move_out",
        date="2026-03-04",
        place=f"Sampit{RLO}",
        note="ikut suami",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert field_errors(page, "place").startswith("berisi karakter tak terlihat")
    assert typed(page, "place") == f"Sampit{RLO}" and typed(page, "note") == "ikut suami"
    assert typed(page, "date") == "2026-03-04"
    assert 'value="move_out" selected' in page
    assert "Tidak ada yang disimpan" in page
    assert registry_snapshot() == before


def test_a_destination_too_long_is_refused_beside_the_field(clients, household):
    daughter = household[3]
    before = registry_snapshot()
    page = event(
        clients["operator_a"], daughter, kind="move_out", date="2026-03-04", place="x" * 101
    ).content.decode()
    assert field_errors(page, "place")
    assert typed(page, "place") == "x" * 101
    assert registry_snapshot() == before


def test_a_death_dated_before_the_birth_keeps_the_event_form(clients, household):
    """The service marks the person dead before it checks the date (all rolled back): the
    page must show the living person's event form again, not the correction form."""
    daughter = household[3]  # born 09-03-2005
    before = registry_snapshot()
    response = event(clients["operator_a"], daughter, kind="death", date="2001-02-03", note="x")
    assert response.status_code == 200
    page = response.content.decode()
    assert "sebelum kelahiran Rina (09-03-2005)" in field_errors(page, "date")
    assert typed(page, "date") == "2001-02-03" and typed(page, "note") == "x"
    assert "Catat peristiwa</button>" in page and 'name="confirm"' in page
    assert registry_snapshot() == before
    daughter.refresh_from_db()
    assert daughter.status == Resident.Status.ALIVE
    assert not daughter.events.filter(kind="death").exists()


def test_an_event_without_the_confirmation_keeps_what_was_typed(clients, household):
    daughter = household[3]
    before = registry_snapshot()
    response = clients["operator_a"].post(
        f"/registry/residents/{daughter.pk}/event/",
        {"kind": "move_out", "date": "2026-03-04", "place": "Sampit"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert field_errors(page, "confirm")
    assert typed(page, "place") == "Sampit"
    assert registry_snapshot() == before


def test_a_recorded_event_still_redirects(clients, household):
    daughter = household[3]
    response = event(
        clients["operator_a"], daughter, kind="move_out", date="2026-03-04", place="Sampit"
    )
    assert response.status_code == 302
    daughter.refresh_from_db()
    assert daughter.status == Resident.Status.MOVED


def test_a_refused_correction_keeps_the_reason_beside_its_field(clients, cast, household):
    daughter = household[3]
    services.record_death(cast.operator_a, daughter, datetime.date(2026, 1, 2))
    before = registry_snapshot()
    url = f"/registry/residents/{daughter.pk}/correct/"
    response = clients["operator_a"].post(url, {"note": f"salah orang{RLO}"})
    assert response.status_code == 200
    page = response.content.decode()
    assert field_errors(page, "note").startswith("berisi karakter tak terlihat")
    assert f"salah orang{RLO}" in html.unescape(page)  # the reason typed, still there
    too_long = clients["operator_a"].post(url, {"note": "y" * 151}).content.decode()
    assert field_errors(too_long, "note") and typed(too_long, "note") == "y" * 151
    assert registry_snapshot() == before
    daughter.refresh_from_db()
    assert daughter.status == Resident.Status.DEAD


# A person registered onto a card is given a relationship to its head


def register_form(family, **extra) -> dict:
    born = datetime.date(1995, 4, 12)
    return {
        "village": VILLAGE_A,
        "family": family.pk,
        "nik": nik_for(born, 2),
        "name": "Wati",
        "sex": 2,
        "birth_date": born.isoformat(),
        "citizenship": 1,
    } | extra


def test_a_new_member_of_a_card_with_members_is_asked_the_relationship(clients, household):
    """QA: Wati was stored on Budi's card with no relationship to him."""
    family = household[0]
    client = clients["operator_a"]
    url = f"/registry/residents/new/?village={VILLAGE_A}&family={family.pk}"
    before = registry_snapshot()
    response = client.post(url, register_form(family))
    assert response.status_code == 200, response.get("Location")
    errors = response.context["form"].errors["relationship"]
    assert errors[0].startswith("pilih hubungan") and family.family_number in errors[0]
    assert typed(response.content.decode(), "name") == "Wati"
    assert registry_snapshot() == before
    done = client.post(url, register_form(family, relationship=7))
    assert done.status_code == 302
    assert Resident.objects.get(name="Wati").relationship == 7


def test_the_first_person_registered_on_an_empty_card_becomes_its_head(clients, cast, village_a):
    card = services.register_family(cast.operator_a, village_a, kk_for(serial=71))
    url = f"/registry/residents/new/?village={VILLAGE_A}&family={card.pk}"
    done = clients["operator_a"].post(url, register_form(card))
    assert done.status_code == 302
    wati = Resident.objects.get(name="Wati")
    assert (wati.family_id, wati.relationship) == (card.pk, 1)


def test_the_api_registers_onto_a_card_as_the_form_does(clients, cast, household, village_a):
    family = household[0]
    payload = register_form(family)
    payload["birth_date"] = "1995-04-12"
    before = registry_snapshot()
    refused = post(clients["operator_a"], "/api/v1/residents", payload)
    assert refused.status_code == 400
    detail = refused.json()["detail"]
    assert detail.startswith("hubungan dalam keluarga: ") and family.family_number in detail
    assert registry_snapshot() == before
    done = post(clients["operator_a"], "/api/v1/residents", payload | {"relationship": 3})
    assert done.status_code == 201 and done.json()["relationship"] == 3
    card = services.register_family(cast.operator_a, village_a, kk_for(serial=72))
    born = datetime.date(1980, 1, 5)
    head = payload | {"family": card.pk, "nik": nik_for(born, 1), "name": "Darto", "sex": 1}
    first = post(clients["operator_a"], "/api/v1/residents", head | {"birth_date": "1980-01-05"})
    assert first.status_code == 201 and first.json()["relationship"] == 1


def test_a_card_whose_members_all_died_takes_a_new_person_as_its_head(
    clients, cast, household, village_a
):
    family, head, wife, daughter = household
    for person in (head, wife, daughter):
        services.record_death(cast.operator_a, person, datetime.date(2026, 1, 2))
    url = f"/registry/residents/new/?village={VILLAGE_A}&family={family.pk}"
    assert clients["operator_a"].post(url, register_form(family)).status_code == 302
    assert Resident.objects.get(name="Wati").relationship == 1
