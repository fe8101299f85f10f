"""population_summary: exact age groups, region roll-up, suppression of small cells.

"Worked out" below means: by someone who knows the public total, every published number and
the suppression rule itself, and tries every set of counts that would publish the same.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from satudata.conftest import OTHER_DISTRICT_VILLAGE, VILLAGE_A, VILLAGE_B
from satudata.regions.models import Region
from satudata.registry import services
from satudata.registry.statistics import (
    DIMENSIONS,
    population_summary,
    protect,
    publish,
    suppress,
)
from satudata.registry.tests.helpers import nik_for, resident_data

TODAY = datetime.date(2026, 6, 15)
THIS_YEAR = datetime.date.today().year  # the HTTP surfaces count ages as of today


def add(cast, village, birth, sex=1, **extra):
    region = Region.objects.get(code=village)
    data = resident_data(birth_date=birth, sex=sex, nik=nik_for(birth, sex, village), **extra)
    return services.register_resident(cast.custodian, region, data)


def groups(summary):
    return {g["group"]: (g["male"], g["female"]) for g in summary["age_groups"]}


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_a_baby_born_this_month_is_0_and_every_column_adds_up_to_its_sex(cast):
    for day in (1, 2, 3):
        add(cast, VILLAGE_A, datetime.date(2026, 6, day), sex=2)  # born this month
        add(cast, VILLAGE_A, datetime.date(1990, 1, day))
        add(cast, VILLAGE_A, datetime.date(1991, 1, day), sex=2)
    summary = population_summary(VILLAGE_A, today=TODAY)
    assert groups(summary)["0–4"] == (0, 3)
    by_sex = {row["code"]: row["count"] for row in summary["sex"]}
    assert sum(g["female"] for g in summary["age_groups"]) == by_sex[2] == 6
    assert sum(g["male"] for g in summary["age_groups"]) == by_sex[1] == 3


@pytest.mark.django_db
def test_regions_roll_up_and_small_cells_are_suppressed(cast):
    for village in (VILLAGE_A, VILLAGE_B):
        for day in (1, 2):
            add(cast, village, datetime.date(1990, 1, day))
    add(cast, OTHER_DISTRICT_VILLAGE, datetime.date(1990, 1, 3))
    district = population_summary("62.01.02", today=TODAY)
    assert district["total"] == 4
    assert groups(district)["35–39"] == (4, 0)
    village = population_summary(VILLAGE_B, today=TODAY)
    assert village["total"] == "*"  # two residents: too few to show any breakdown
    assert village["religion"] == [] and village["sex"] == []
    assert {g["male"] for g in village["age_groups"]} == {"*"}
    province = population_summary("62", today=TODAY)
    assert province["total"] == 4


@pytest.mark.django_db
def test_the_dead_and_moved_are_not_counted_and_the_cache_follows_changes(cast):
    people = [add(cast, VILLAGE_A, datetime.date(1990, 1, d)) for d in (1, 2, 3, 4)]
    assert population_summary(VILLAGE_A, today=TODAY)["total"] == 4
    services.record_death(cast.custodian, people[0], TODAY)
    services.record_move_out(cast.custodian, people[1], TODAY, "Pontianak")
    assert population_summary(VILLAGE_A, today=TODAY)["total"] == "*"


def test_suppress():
    assert [suppress(n) for n in (0, 1, 2, 3)] == [0, "<3", "<3", 3]


# --- Secondary suppression: the public total must not give a hidden cell away. ---


def splits(total: int, parts: int):
    """Every way to share `total` among `parts` cells (0 allowed)."""
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in splits(total - first, parts - 1):
            yield (first, *rest)


def possible_values(shown: list, total: int) -> dict[int, set[int]]:
    """For each hidden cell of a protected table, every count it could hold."""
    hidden = [i for i, cell in enumerate(shown) if isinstance(cell, str)]
    hidden_sum = total - sum(cell for cell in shown if isinstance(cell, int))
    values: dict[int, set[int]] = {i: set() for i in hidden}
    for guess in splits(hidden_sum, len(hidden)) if hidden else ():
        counts = list(shown)
        for i, n in zip(hidden, guess, strict=True):
            counts[i] = n
        if protect(counts) == shown:
            for i, n in zip(hidden, guess, strict=True):
                values[i].add(n)
    return values


def exact_cells(shown: list, total: int) -> list[int]:
    return [i for i, values in possible_values(shown, total).items() if len(values) < 2]


def test_the_qa_religion_table_no_longer_gives_its_two_ones_away():
    religion = [117, 10, 7, 1, 1, 9]  # Islam … Budha, then not recorded; total 145
    shown = protect(religion)
    assert shown == [117, 10, "*", "*", "*", 9]
    assert exact_cells(shown, 145) == []
    # Before: "<3" twice and 143 published, so both were 1.
    assert [suppress(n) for n in religion].count("<3") == 2


def test_one_small_cell_gets_the_smallest_other_cell_hidden_with_it():
    assert protect([40, 5, 1]) == [40, "*", "*"]
    assert protect([40, 5, 5, 2]) == [40, "*", "*", "*"]  # equal cells hide together
    assert protect([0, 9, 2, 0]) == [0, "*", "*", 0]  # zeros say nothing and stay


def test_small_cells_of_both_sizes_keep_their_mark_and_need_no_help():
    # The "<3" cells sum to 3: one is 1 and one is 2, but which is which is unknown.
    assert protect([10, 1, 2]) == [10, "<3", "<3"]
    assert exact_cells([10, "<3", "<3"], 13) == []


def test_a_table_of_equal_small_cells_alone_cannot_be_protected():
    assert protect([2, 2]) is None and protect([1]) is None
    assert protect([]) == [] and protect([5, 7]) == [5, 7]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=5))
def test_no_hidden_cell_can_be_worked_out_from_the_total(counts):
    shown = protect(counts)
    assume(shown is not None)
    assert exact_cells(shown, sum(counts)) == []
    if shown != [suppress(n) for n in counts]:
        assert {c for c in shown if isinstance(c, str)} == {"*"}  # one mark: no bounds


def published_cells(summary: dict) -> dict:
    """The cells of the sex table and the pyramid as published; a hidden region hides all."""
    withheld = summary["total"] == "*"
    cells = {("sex", code): "*" if withheld else 0 for code in (1, 2)}
    cells |= {("sex", row["code"]): row["count"] for row in summary["sex"]}
    for index, group in enumerate(summary["age_groups"]):
        cells[("age", index, 1)], cells[("age", index, 2)] = group["male"], group["female"]
    return cells


def test_no_sex_or_pyramid_cell_can_be_worked_out_from_the_other_table():
    # Every pyramid of three age groups with 0 to 3 people per cell. The sex table gives each
    # column's sum; whoever sees a summary may know all of these and tries them all.
    seen: dict[str, tuple[dict, list[dict]]] = {}
    for cells in itertools.product(range(4), repeat=6):
        groups = [
            {"group": str(i), "male": cells[2 * i], "female": cells[2 * i + 1]} for i in range(3)
        ]
        sex = {1: sum(cells[0::2]), 2: sum(cells[1::2])}
        dims = {"sex": {code: n for code, n in sex.items() if n}} | {k: {} for k in DIMENSIONS}
        summary = publish("62", groups, dims)
        assert summary["total"] in (sum(cells), "*")
        truth = {("sex", code): n for code, n in sex.items()}
        truth |= {("age", i, code): cells[2 * i + code - 1] for i in range(3) for code in (1, 2)}
        seen.setdefault(repr(summary), (summary, []))[1].append(truth)
    for summary, datasets in seen.values():
        for cell, shown in published_cells(summary).items():
            if isinstance(shown, str):
                values = {truth[cell] for truth in datasets}
                assert len(values) >= 2, (summary, cell, values)


# --- The same through the public surfaces. ---


def born(age: int) -> datetime.date:
    """A birth date that puts someone at `age` or one less today, whatever the month."""
    return datetime.date(THIS_YEAR - age, 1, 10)


def statistics(client, code: str) -> dict:
    response = client.get("/api/v1/statistics/population", {"region": code})
    assert response.status_code == 200
    return response.json()


def page_of(client, code: str) -> str:
    response = client.get(f"/statistics/population/{code}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_api_hides_a_complement_so_two_ones_cannot_be_subtracted(cast, client):
    religions = [1] * 12 + [2] * 6 + [4, 5]  # Islam, Kristen, one Hindu, one Budha
    for i, religion in enumerate(religions):
        add(cast, VILLAGE_A, born(37), sex=1 + i % 2, religion=religion)
    body = statistics(client, VILLAGE_A)
    assert body["total"] == 20
    religion = {row["code"]: row["count"] for row in body["religion"]}
    assert religion == {1: 12, 2: "*", 4: "*", 5: "*"}
    assert exact_cells(list(religion.values()), body["total"]) == []
    page = page_of(client, VILLAGE_A)
    assert '<td class="num">*</td>' in page and '<td class="num">12</td>' in page
    assert '<td class="num">6</td>' not in page


@pytest.mark.django_db
def test_a_lone_small_age_group_is_hidden_with_the_next_smallest_of_its_sex(cast, client):
    for _ in range(4):
        add(cast, VILLAGE_A, born(37), sex=1)
        add(cast, VILLAGE_A, born(37), sex=2)
    add(cast, VILLAGE_A, born(80), sex=1)  # the only old man: the men's total would give him away
    add(cast, VILLAGE_A, born(37), sex=2)
    body = statistics(client, VILLAGE_A)
    assert {row["code"]: row["count"] for row in body["sex"]} == {1: 5, 2: 5}
    ages = {g["group"]: (g["male"], g["female"]) for g in body["age_groups"]}
    assert ages["35–39"] == ("*", 5) and ages["75+"] == ("*", 0)
    assert {male for male, _ in ages.values()} == {0, "*"}
    page = page_of(client, VILLAGE_A)
    assert "<svg" in page and ">*</text>" in page


@pytest.mark.django_db
def test_when_the_sex_table_hides_its_cells_the_pyramid_hides_all_of_its_own(cast, client):
    for _ in range(4):
        add(cast, VILLAGE_A, born(37), sex=1)
    add(cast, VILLAGE_A, born(37), sex=2)
    body = statistics(client, VILLAGE_A)
    assert body["total"] == 5
    assert {row["code"]: row["count"] for row in body["sex"]} == {1: "*", 2: "*"}
    # Zeros hidden too: how many age groups have a woman would bound the women's total.
    assert {g[sex] for g in body["age_groups"] for sex in ("male", "female")} == {"*"}
    assert "<svg" in page_of(client, VILLAGE_A)


@pytest.mark.django_db
def test_a_region_too_small_to_protect_shows_no_breakdown_and_hides_its_total(cast, client):
    for sex in (1, 1, 2, 2):  # 2 men and 2 women: a total of 4 would tell exactly that
        add(cast, VILLAGE_A, born(37), sex=sex)
    body = statistics(client, VILLAGE_A)
    assert body["total"] == "*"
    assert all(body[name] == [] for name in ("sex", *DIMENSIONS))
    assert {g["male"] for g in body["age_groups"]} == {"*"}
    page = page_of(client, VILLAGE_A)
    assert "<strong>*</strong>" in page
    assert "No data." in page or "Tidak ada data." in page
