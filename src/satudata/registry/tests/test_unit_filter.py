"""Resident and family lists by hamlet, RW and RT (QA, ninth session): the pages and the API
narrow to a unit and the units inside it, with the search and across pages; another
village's unit or an unknown one is refused by name, and nothing of another village shows."""

from __future__ import annotations

import datetime
import html
import re

import pytest

from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.regions.models import Region
from satudata.regions.services import add_local_unit
from satudata.registry import services
from satudata.registry.models import Family, Resident
from satudata.registry.tests.helpers import kk_for, nik_for, resident_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(cast):
    """Village A: Dusun I > RW 001 > RT 001 (Agnes Rahayu's card), RT 002 (Budi's card),
    Citra placed in RW 001 itself; Dusun II > RW 002 (Dedi's card); Eka placed nowhere.
    Village B: RW 009 with Agus's card."""
    a = Region.objects.get(code=VILLAGE_A)
    b = Region.objects.get(code=VILLAGE_B)
    add = add_local_unit
    hamlet = add(cast.operator_a, a, "hamlet", "Dusun I")
    rw1 = add(cast.operator_a, a, "rw", "001", hamlet.pk)
    rt1 = add(cast.operator_a, a, "rt", "001", rw1.pk)
    rt2 = add(cast.operator_a, a, "rt", "002", rw1.pk)
    hamlet2 = add(cast.operator_a, a, "hamlet", "Dusun II")
    rw2 = add(cast.operator_a, a, "rw", "002", hamlet2.pk)
    rw_b = add(cast.operator_b, b, "rw", "009")
    people = {}
    for serial, (village, name, unit, card) in enumerate(
        [
            (a, "Agnes Rahayu", rt1, True),
            (a, "Budi Santoso", rt2, True),
            (a, "Citra Lestari", rw1, False),
            (a, "Dedi Rahayu", rw2, True),
            (a, "Eka Putri", None, False),
            (b, "Agus Salim", rw_b, True),
        ],
        start=71,
    ):
        operator = cast.operator_a if village == a else cast.operator_b
        family = None
        if card:
            family = services.register_family(
                operator, village, kk_for(village.code, serial=serial), unit=unit
            )
        people[name.split()[0]] = services.register_resident(
            operator,
            village,
            resident_data(
                name=name, nik=nik_for(datetime.date(1990, 5, 17), 2, village.code, serial)
            ),
            family=family,
            unit=unit,
        )
    units = {"hamlet": hamlet, "rw1": rw1, "rt1": rt1, "rt2": rt2, "rw2": rw2, "rw_b": rw_b}
    return units, people


def names_on(response) -> set[str]:
    """The names linked from a list page's rows."""
    text = response.content.decode()
    return set(re.findall(r'/registry/residents/\d+/">([^<]+)</a>', text))


def heads_on(response) -> set[str]:
    return {f.head_name for f in response.context["page_obj"]}


def test_operator_lists_the_residents_of_a_unit_and_of_the_units_inside_it(clients, places):
    units, _people = places
    page = clients["operator_a"].get(f"/registry/?unit={units['rw1'].pk}")
    assert page.status_code == 200
    assert names_on(page) == {"Agnes Rahayu", "Budi Santoso", "Citra Lestari"}
    hamlet = clients["operator_a"].get(f"/registry/?unit={units['hamlet'].pk}")
    assert names_on(hamlet) == {"Agnes Rahayu", "Budi Santoso", "Citra Lestari"}
    rt = clients["operator_a"].get(f"/registry/?unit={units['rt2'].pk}")
    assert names_on(rt) == {"Budi Santoso"}
    # The select offers the village's units by their paths, the chosen one selected.
    text = html.unescape(rt.content.decode())
    assert "Dusun I / RW 001 / RT 002" in text
    assert f'<option value="{units["rt2"].pk}" selected>' in text
    assert "RW 009" not in text  # village B's units are not offered


def test_operator_lists_the_families_of_a_unit(clients, places):
    units, _people = places
    page = clients["operator_a"].get(f"/registry/families/?unit={units['rw1'].pk}")
    assert page.status_code == 200
    assert heads_on(page) == {"Agnes Rahayu", "Budi Santoso"}
    other = clients["operator_a"].get(f"/registry/families/?unit={units['rw2'].pk}")
    assert heads_on(other) == {"Dedi Rahayu"}
    assert "Dusun II / RW 002" in html.unescape(other.content.decode())


def test_the_unit_filter_combines_with_the_name_search(clients, places):
    units, _people = places
    client = clients["operator_a"]
    assert names_on(client.get(f"/registry/?q=agnes&unit={units['rt1'].pk}")) == {"Agnes Rahayu"}
    assert names_on(client.get(f"/registry/?q=agnes&unit={units['rt2'].pk}")) == set()
    found = client.get(f"/registry/families/?q=dedi&unit={units['rw1'].pk}")
    assert heads_on(found) == set()
    api = client.get(f"/api/v1/residents?q=budi&unit={units['hamlet'].pk}").json()
    assert [r["name"] for r in api["results"]] == ["Budi Santoso"]
    api = client.get(f"/api/v1/residents?q=dedi&unit={units['hamlet'].pk}").json()
    assert (api["count"], api["results"]) == (0, [])


def _crowd(village: Region, unit, count: int, prefix: str, first_serial: int) -> None:
    """`count` residents placed in `unit`, made in one insert (paging needs more than 50)."""
    Resident.objects.bulk_create(
        Resident(
            village=village,
            unit=unit,
            nik=nik_for(datetime.date(1980, 1, 1), 1, village.code, first_serial + n),
            name=f"{prefix} {n:03d}",
            sex=1,
            birth_date=datetime.date(1980, 1, 1),
        )
        for n in range(count)
    )


def test_page_links_keep_the_unit_filter(clients, places):
    units, _people = places
    village = Region.objects.get(code=VILLAGE_A)
    _crowd(village, units["rt1"], 55, "Warga", 2000)
    _crowd(village, units["rw2"], 5, "Tamu", 3000)
    client = clients["operator_a"]
    first = client.get(f"/registry/?q=warga&unit={units['rt1'].pk}")
    text = first.content.decode()
    assert f"?q=warga&amp;unit={units['rt1'].pk}&amp;page=2" in text
    second = client.get(f"/registry/?q=warga&unit={units['rt1'].pk}&page=2")
    assert len(names_on(second)) == 5 and all(n.startswith("Warga") for n in names_on(second))
    # Without a name: the RT's 56 residents (Agnes too), none of RW 002's.
    whole = client.get(f"/registry/?unit={units['rt1'].pk}")
    assert f"?unit={units['rt1'].pk}&amp;page=2" in whole.content.decode()
    rest = client.get(f"/registry/?unit={units['rt1'].pk}&page=2")
    assert len(names_on(whole)) + len(names_on(rest)) == 56
    assert not any(n.startswith(("Tamu", "Dedi")) for n in names_on(whole) | names_on(rest))


def test_family_page_links_keep_the_unit_filter(clients, places, cast):
    units, _people = places
    village = Region.objects.get(code=VILLAGE_A)
    Family.objects.bulk_create(
        Family(village=village, unit=units["rt2"], family_number=kk_for(serial=3000 + n))
        for n in range(50)
    )
    page = clients["operator_a"].get(f"/registry/families/?unit={units['rt2'].pk}")
    assert f"?unit={units['rt2'].pk}&amp;page=2" in page.content.decode()
    second = clients["operator_a"].get(f"/registry/families/?unit={units['rt2'].pk}&page=2")
    assert len(second.context["page_obj"]) == 1  # 51 cards of RT 002, none of the others


def test_a_unit_of_village_b_is_refused_for_operator_a_and_shows_nothing(clients, places):
    units, _people = places
    other = units["rw_b"].pk
    client = clients["operator_a"]
    message = f"Desa {VILLAGE_A} tidak punya dusun, RW atau RT dengan id {other}."
    for url in (f"/registry/?unit={other}", f"/registry/families/?unit={other}"):
        page = client.get(url)
        assert page.status_code == 200
        text = html.unescape(page.content.decode())
        assert message in text
        assert "Agus" not in text and "Budi" not in text  # neither B's rows nor a wider list
        assert len(page.context["page_obj"]) == 0
    for url in (f"/api/v1/residents?unit={other}", f"/api/v1/families?unit={other}"):
        answer = client.get(url)
        assert answer.status_code == 400
        assert answer.json() == {"detail": f"unit: {message}"}
    # Naming village B too changes nothing: operator A reads no unit there.
    answer = client.get(f"/api/v1/residents?village={VILLAGE_B}&unit={other}")
    assert answer.status_code == 400
    assert "Tidak ada dusun, RW atau RT dengan id" in answer.json()["detail"]


def test_an_unknown_unit_is_refused(clients, places):
    client = clients["operator_a"]
    message = f"Desa {VILLAGE_A} tidak punya dusun, RW atau RT dengan id 999999."
    page = client.get("/registry/?unit=999999")
    assert message in html.unescape(page.content.decode())
    assert len(page.context["page_obj"]) == 0
    page = client.get("/registry/?unit=abc")
    assert "tidak punya dusun, RW atau RT dengan id abc" in html.unescape(page.content.decode())
    answer = client.get("/api/v1/families?unit=999999")
    assert answer.status_code == 400 and answer.json()["detail"] == f"unit: {message}"
    answer = clients["custodian"].get("/api/v1/residents?unit=999999")
    assert answer.status_code == 400
    assert answer.json()["detail"] == (
        "unit: Tidak ada dusun, RW atau RT dengan id 999999 di desa yang boleh Anda baca."
    )
    # Past SQLite's 64-bit integers: refused by name, not a server error.
    huge = "9" * 20
    assert clients["custodian"].get(f"/api/v1/families?unit={huge}").status_code == 400
    page = clients["custodian"].get(f"/registry/?unit={huge}")
    assert f"Tidak ada dusun, RW atau RT dengan id {huge}" in page.content.decode()


def test_custodian_chooses_a_village_then_one_of_its_units(clients, places):
    units, _people = places
    client = clients["custodian"]
    everyone = client.get("/registry/")
    assert 'name="unit"' not in everyone.content.decode()  # no village chosen: no units
    page = client.get(f"/registry/?village={VILLAGE_A}&unit={units['rt1'].pk}")
    assert names_on(page) == {"Agnes Rahayu"}
    assert "Dusun I / RW 001 / RT 001" in html.unescape(page.content.decode())
    refused = client.get(f"/registry/families/?village={VILLAGE_B}&unit={units['rt1'].pk}")
    assert f"Desa {VILLAGE_B} tidak punya dusun" in html.unescape(refused.content.decode())
    assert len(refused.context["page_obj"]) == 0
    # On the API a unit alone names its village.
    found = client.get(f"/api/v1/residents?unit={units['rw_b'].pk}").json()
    assert [r["name"] for r in found["results"]] == ["Agus Salim"]
    found = client.get(f"/api/v1/families?village={VILLAGE_A}&unit={units['rw2'].pk}").json()
    assert found["count"] == 1


def test_the_search_hint_says_a_name_is_found_by_its_start(clients):
    for url in ("/registry/", "/registry/families/"):
        text = html.unescape(clients["operator_a"].get(url).content.decode())
        assert "AWAL nama" in text
        assert "“Agnes” menemukan “Agnes Rahayu”, “Rahayu” tidak" in text


def test_the_village_index_holds_the_unit_in_name_order(cast, places):
    """The list of a small RT passes over other units' residents inside the index (no table
    read per row) and still reads them in the page's (name key, id) order."""
    from django.db import connection

    from satudata.registry import units

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's plan")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE name = %s", ["resident_village_key_idx"]
        )
        assert cursor.fetchone()[0].endswith("(village_id, name_key, id, unit_id)")
    rt = places[0]["rt1"]
    area = units.list_area(cast.operator_a, None, rt.pk)
    found = services.search_residents(cast.operator_a, "", area.village, area.unit_ids)[:51]
    sql, params = found.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "USING INDEX resident_village_key_idx (village_id=?)" in plan
    assert "TEMP B-TREE" not in plan
