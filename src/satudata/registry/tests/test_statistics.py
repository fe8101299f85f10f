"""population_summary: exact age groups, region roll-up, suppression of small cells."""

from __future__ import annotations

import datetime

import pytest

from satudata.conftest import OTHER_DISTRICT_VILLAGE, VILLAGE_A, VILLAGE_B
from satudata.regions.models import Region
from satudata.registry import services
from satudata.registry.statistics import population_summary, suppress
from satudata.registry.tests.helpers import nik_for, resident_data

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)


def add(cast, village, birth, sex=1, **extra):
    region = Region.objects.get(code=village)
    data = resident_data(birth_date=birth, sex=sex, nik=nik_for(birth, sex, village), **extra)
    return services.register_resident(cast.custodian, region, data)


def groups(summary):
    return {g["group"]: (g["male"], g["female"]) for g in summary["age_groups"]}


def test_age_groups_are_exact_to_the_month(cast):
    for _ in range(3):
        add(cast, VILLAGE_A, datetime.date(2021, 5, 31))  # 5 since last month
        add(cast, VILLAGE_A, datetime.date(2021, 6, 15), sex=2)  # born this month: counted 4
        add(cast, VILLAGE_A, datetime.date(1940, 1, 1))  # 86
    summary = population_summary(VILLAGE_A, today=TODAY)
    assert groups(summary)["5–9"] == (3, 0)
    assert groups(summary)["0–4"] == (0, 3)
    assert groups(summary)["75+"] == (3, 0)
    assert summary["total"] == 9


def test_regions_roll_up_and_small_cells_are_suppressed(cast):
    for village in (VILLAGE_A, VILLAGE_B):
        for day in (1, 2):
            add(cast, village, datetime.date(1990, 1, day))
    add(cast, OTHER_DISTRICT_VILLAGE, datetime.date(1990, 1, 3))
    district = population_summary("62.01.02", today=TODAY)
    assert district["total"] == 4
    assert groups(district)["35–39"] == (4, 0)
    village = population_summary(VILLAGE_B, today=TODAY)
    assert village["total"] == "<3"
    assert village["religion"] == [{"code": 1, "label": "Islam", "count": "<3"}]
    province = population_summary("62", today=TODAY)
    assert province["total"] == 4


def test_the_dead_and_moved_are_not_counted_and_the_cache_follows_changes(cast):
    people = [add(cast, VILLAGE_A, datetime.date(1990, 1, d)) for d in (1, 2, 3, 4)]
    assert population_summary(VILLAGE_A, today=TODAY)["total"] == 4
    services.record_death(cast.custodian, people[0], TODAY)
    services.record_move_out(cast.custodian, people[1], TODAY, "Pontianak")
    assert population_summary(VILLAGE_A, today=TODAY)["total"] == "<3"


def test_suppress():
    assert [suppress(n) for n in (0, 1, 2, 3)] == [0, "<3", "<3", 3]
