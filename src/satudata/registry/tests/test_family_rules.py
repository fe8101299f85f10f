"""A family card keeps one living head and one RT, and a person's dates stay in order, whatever
path a change takes (found by exploratory testing: each of these once went through)."""

from __future__ import annotations

import datetime

import pytest

from satudata.conftest import VILLAGE_B
from satudata.regions.models import Region
from satudata.regions.services import add_local_unit
from satudata.registry import services
from satudata.registry.models import Resident
from satudata.registry.tests.helpers import kk_for, registry_snapshot, resident_data
from satudata.registry.tests.test_api import post
from satudata.registry.tests.test_edit_rules import edit_form, patch

pytestmark = pytest.mark.django_db


@pytest.fixture
def rts(cast, village_a):
    rw = add_local_unit(cast.operator_a, village_a, "rw", "001")
    return [add_local_unit(cast.operator_a, village_a, "rt", n, rw.pk) for n in ("001", "002")]


def test_a_head_cannot_stop_being_head_by_an_edit(clients, household):
    family, head, _wife, _daughter = household
    before = registry_snapshot()
    page = clients["operator_a"].post(
        f"/registry/residents/{head.pk}/edit/", edit_form(head, relationship=4)
    )
    assert "Ganti kepala keluarga" in page.content.decode()
    api = patch(
        clients["operator_a"],
        f"/api/v1/residents/{head.pk}",
        {"version": head.version, "relationship": None},
    )
    assert api.status_code == 400 and "Hubungan dalam keluarga" in api.json()["detail"]
    assert registry_snapshot() == before
    assert Resident.objects.get(pk=head.pk).relationship == 1


def test_the_dead_are_never_made_head_nor_split_off(clients, cast, household):
    family, _head, wife, daughter = household
    services.record_death(cast.operator_a, wife, datetime.date(2025, 1, 2))
    before = registry_snapshot()
    client = clients["operator_a"]
    head = post(client, f"/api/v1/families/{family.pk}/head", {"new_head": wife.pk})
    assert head.status_code == 400 and "Siti" in head.json()["detail"]
    split = post(
        client,
        f"/api/v1/families/{family.pk}/split",
        {"members": [wife.pk, daughter.pk], "new_head": daughter.pk, "family_number": kk_for()},
    )
    assert split.status_code == 400 and "Siti bukan penduduk hidup" in split.json()["detail"]
    assert registry_snapshot() == before


def test_a_head_leaves_a_card_only_after_handing_it_over(clients, cast, household):
    family, head, wife, _daughter = household
    before = registry_snapshot()
    out = post(clients["operator_a"], f"/api/v1/residents/{head.pk}/events", {"kind": "move_out"})
    assert out.status_code == 400 and '"Ganti kepala keluarga"' in out.json()["detail"]
    # Even the custodian, who may take a living record from its village, does not leave
    # the card without a head.
    taken = post(
        clients["custodian"],
        "/api/v1/move-ins",
        {"village": VILLAGE_B, "nik": head.nik, "from_village": head.village_id},
    )
    assert taken.status_code == 400 and family.family_number in taken.json()["detail"]
    assert registry_snapshot() == before
    services.change_head(cast.operator_a, family, wife, old_head_relationship=3)
    head.refresh_from_db()
    assert services.record_move_out(cast.operator_a, head, None).status == Resident.Status.MOVED
    # The move out keeps the card the person left.
    assert head.events.get(kind="move_out").family_before == family.family_number


def test_a_birth_date_cannot_follow_what_the_person_did(clients, cast, household):
    _family, _head, wife, _daughter = household
    services.record_death(cast.operator_a, wife, datetime.date(2026, 1, 2))
    wife.refresh_from_db()
    born = datetime.date(2026, 3, 17)
    form = edit_form(wife, birth_date=born.isoformat(), nik="6201025703269001", relationship=3)
    before = registry_snapshot()
    page = clients["operator_a"].post(f"/registry/residents/{wife.pk}/edit/", form)
    text = page.content.decode()
    assert "sesudah peristiwa kematian yang tercatat pada 02-01-2026" in text
    assert "Tidak ada yang disimpan. Perbaiki dulu:" in text  # a summary above the form
    assert registry_snapshot() == before


def test_a_member_lives_in_the_rt_of_the_card(clients, cast, household, rts):
    family, *_ = household
    services.move_family(cast.operator_a, family, rts[0], "Jl. Parit 2")
    before = registry_snapshot()
    form = {
        **resident_data(name="Dewi", relationship=4, birth_date=datetime.date(2010, 4, 1)),
        "birth_date": "2010-04-01",
        "citizenship": 1,
        "unit": rts[1].pk,
    }
    page = clients["operator_a"].post(f"/registry/residents/new/?family={family.pk}", form)
    assert "anggotanya tinggal di RT kartu itu" in page.content.decode()
    assert registry_snapshot() == before
    form["unit"] = ""
    assert (
        clients["operator_a"].post(f"/registry/residents/new/?family={family.pk}", form).status_code
        == 302
    )
    assert Resident.objects.get(name="Dewi").unit_id == rts[0].pk


def test_another_village_learns_only_where_a_nik_is_held(clients, cast, household):
    _family, _head, wife, _daughter = household
    services.record_death(cast.operator_a, wife, datetime.date(2026, 1, 2))
    body = {"village": VILLAGE_B, "nik": wife.nik, "from_village": wife.village_id}
    for date in ("1950-01-01", "2026-02-01"):
        answer = post(clients["operator_b"], "/api/v1/move-ins", {**body, "date": date})
        detail = answer.json()["detail"]
        assert answer.status_code == 400 and "belum mencatat kepindahan" in detail
        assert "Siti" not in detail and "meninggal" not in detail and "1990" not in detail
    # Whoever may not write a village learns nothing of where a NIK is registered.
    producer = post(clients["producer_a"], "/api/v1/move-ins", body)
    assert producer.status_code == 403
    assert Region.objects.get(code=VILLAGE_B).name not in producer.content.decode()


def test_a_change_of_head_gives_the_other_members_their_new_relationships(clients, cast, household):
    family, head, wife, daughter = household
    services.record_death(cast.operator_a, head, datetime.date(2025, 12, 1))
    url = f"/registry/families/{family.pk}/head/"
    page = clients["operator_a"].get(url).content.decode()
    assert "Siti: hubungan dengan kepala keluarga baru" in page and "tetap: Istri" in page
    response = clients["operator_a"].post(
        url,
        {
            "new_head": daughter.pk,
            "old_head_relationship": 2,
            "date": "2026-01-05",
            "head_was": 0,  # the page's: no living head when it was opened
            f"rel_{wife.pk}": 7,  # the daughter heads the card: her mother is "Orang Tua"
            f"rel_{daughter.pk}": 9,  # the new head's own line is not used
        },
    )
    assert response.status_code == 302
    wife.refresh_from_db()
    daughter.refresh_from_db()
    assert (wife.relationship, daughter.relationship) == (7, 1)
    history = clients["operator_a"].get(f"/registry/residents/{wife.pk}/").content.decode()
    assert "hubungan dalam keluarga" in history


def test_the_apis_other_relationships_are_checked_by_name(clients, cast, household):
    family, head, wife, daughter = household
    url = f"/api/v1/families/{family.pk}/head"
    before = registry_snapshot()
    second_head = post(
        clients["operator_a"], url, {"new_head": wife.pk, "others": {daughter.pk: 1}}
    )
    assert second_head.status_code == 400 and "Hubungan Rina" in second_head.json()["detail"]
    stranger = post(clients["operator_a"], url, {"new_head": wife.pk, "others": {999999: 7}})
    assert stranger.status_code == 400 and "999999 bukan anggota lain" in stranger.json()["detail"]
    assert registry_snapshot() == before
    done = post(
        clients["operator_a"],
        url,
        {"new_head": wife.pk, "old_head_relationship": 2, "others": {daughter.pk: 4}},
    )
    assert done.status_code == 200


def test_the_status_in_a_refusal_speaks_the_callers_language(clients, cast, household):
    """The code list's label is Indonesian ("Mati") in any language: an English refusal
    named it inside an English sentence (language QA)."""
    family, _head, wife, daughter = household
    services.record_death(cast.operator_a, wife, datetime.date(2025, 1, 2))
    body = {"members": [wife.pk, daughter.pk], "new_head": daughter.pk, "family_number": kk_for()}
    path = f"/api/v1/families/{family.pk}/split"
    indonesian = post(clients["operator_a"], path, body).json()["detail"]
    assert "Siti bukan penduduk hidup desa ini (status: mati)" in indonesian
    english = clients["operator_a"].post(
        path, body, content_type="application/json", headers={"accept-language": "en"}
    )
    assert "is not a living resident of this village (status: dead)" in english.json()["detail"]
