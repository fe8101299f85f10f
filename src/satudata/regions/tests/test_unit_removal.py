"""Local units that still hold people, and units asked of a region that is not a village
(QA report on the API, items 5 and 11)."""

from __future__ import annotations

import datetime

import pytest

from satudata.audit.models import AuditEntry
from satudata.conftest import DISTRICT, VILLAGE_A
from satudata.regions.models import LocalUnit, Region
from satudata.regions.services import add_local_unit
from satudata.registry import services as registry
from satudata.registry.tests.helpers import kk_for, resident_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def rt_with_a_family(cast):
    """RT 003 of village A, holding a family card with two people on it."""
    village = Region.objects.get(code=VILLAGE_A)
    rw = add_local_unit(cast.operator_a, village, "rw", "1")
    rt = add_local_unit(cast.operator_a, village, "rt", "3", rw.pk)
    family = registry.register_family(cast.operator_a, village, kk_for(serial=41), rt)
    head = registry.register_resident(
        cast.operator_a, village, resident_data(name="Budi", sex=1), family=family
    )
    wife = registry.register_resident(
        cast.operator_a, village, resident_data(name="Siti", relationship=3), family=family
    )
    return rt, family, head, wife


def _kept(rt) -> tuple:
    return (
        LocalUnit.objects.filter(pk=rt.pk).exists(),
        AuditEntry.objects.filter(model_label="regions.localunit", action="delete").count(),
    )


def test_the_api_refuses_to_remove_an_rt_that_holds_a_family(clients, rt_with_a_family):
    rt, family, head, wife = rt_with_a_family
    before = _kept(rt)
    response = clients["operator_a"].delete(f"/api/v1/units/{rt.pk}")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "RT 003 masih berisi 1 keluarga dan 2 penduduk; pindahkan dulu mereka ke unit lain "
        "(di halaman keluarga atau penduduk)."
    )
    assert _kept(rt) == before == (True, 0)


def test_the_page_refuses_it_too_and_says_why(clients, rt_with_a_family):
    rt, family, head, wife = rt_with_a_family
    page = clients["operator_a"].post(f"/regions/units/{rt.pk}/delete/", follow=True)
    assert "RT 003 masih berisi 1 keluarga dan 2 penduduk" in page.content.decode()
    assert _kept(rt) == (True, 0)


def test_a_resident_placed_without_a_card_holds_the_rt(clients, cast):
    village = Region.objects.get(code=VILLAGE_A)
    rw = add_local_unit(cast.operator_a, village, "rw", "2")
    rt = add_local_unit(cast.operator_a, village, "rt", "5", rw.pk)
    registry.register_resident(cast.operator_a, village, resident_data(), unit=rt)
    response = clients["operator_a"].delete(f"/api/v1/units/{rt.pk}")
    assert response.status_code == 400
    assert "0 keluarga dan 1 penduduk" in response.json()["detail"]
    assert LocalUnit.objects.filter(pk=rt.pk).exists()


def test_once_everyone_has_moved_or_died_the_rt_can_go(clients, cast, rt_with_a_family):
    rt, family, head, wife = rt_with_a_family
    # The family moves house to another RT; a lone resident of the RT dies (the dead keep
    # their RT as history, and do not hold it).
    other = add_local_unit(cast.operator_a, rt.village, "rt", "4", rt.parent_id)
    registry.move_family(cast.operator_a, family, other, "")
    lone = registry.register_resident(
        cast.operator_a,
        rt.village,
        resident_data(name="Ani", birth_date=datetime.date(1950, 1, 1)),
        unit=rt,
    )
    registry.record_death(cast.operator_a, lone, datetime.date(2025, 1, 1), "")
    assert clients["operator_a"].delete(f"/api/v1/units/{rt.pk}").status_code == 204
    assert not LocalUnit.objects.filter(pk=rt.pk).exists()


def test_another_villages_operator_is_still_refused_by_scope(clients, rt_with_a_family):
    rt, *_ = rt_with_a_family
    assert clients["operator_b"].delete(f"/api/v1/units/{rt.pk}").status_code == 403
    assert LocalUnit.objects.filter(pk=rt.pk).exists()


def test_units_asked_of_a_district_are_refused_in_the_apis_words(clients):
    response = clients["custodian"].post(
        f"/api/v1/regions/{DISTRICT}/units",
        {"level": "hamlet", "name": "Dusun I"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"village: {DISTRICT} bukan desa/kelurahan; unit hanya dapat dibuat di desa/kelurahan."
    )
    assert not LocalUnit.objects.filter(village_id=DISTRICT).exists()
    # A village operator is refused by scope before anything is said about the region.
    operator = clients["operator_a"].post(
        f"/api/v1/regions/{DISTRICT}/units",
        {"level": "hamlet", "name": "Dusun I"},
        content_type="application/json",
    )
    assert operator.status_code == 403
