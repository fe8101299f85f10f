"""Consecutive releases protected together (`registry/release_protection.py`).

QA, seventh session: each release chose its hidden cells afresh, so a village that did not
change could hide other cells in the next release. After one death in Rangda (62.01.02.2010),
Rangda's Katholik was "*" in the first release and 9 in the second; with the district's
religions of the first release, Runtu's Khonghucu and Natai Raya's Hindu were 1 each, hidden
in both releases. Publishing right after a village's first import (the README's advice)
pinned small counts of other villages in 7 of the 10 demo villages.

The attacker (`cell_audit.two_release_hidden_cells`) reads both releases from the public API
and is told which tables of which regions did not change (the truth, from the raw counts).
"""

from __future__ import annotations

import random

import pytest
from django.test import override_settings
from django.utils import timezone

from satudata.audit.models import AuditEntry
from satudata.conftest import client_for
from satudata.core import demo
from satudata.registry import services, statistics
from satudata.registry.disclosure import TABLES, RegionCounts
from satudata.registry.models import Resident, StatisticsRelease
from satudata.registry.tests.cell_audit import (
    integer_hidden_cells,
    releases_hidden_cells,
    two_release_hidden_cells,
)
from satudata.registry.tests.test_statistics_tree import counts_of, public, tree_of

MONTHLY = override_settings(SATUDATA_STATISTICS_RELEASE="monthly")
VILLAGES = demo.FIRST_PHASE_VILLAGES + demo.OTHER_DEMO_VILLAGES
PARENT_OF = tree_of(VILLAGES)
CODES = sorted(set(PARENT_OF) | set(PARENT_OF.values()))
RANGDA, RUNTU, NATAI_RAYA = "62.01.02.2010", "62.01.02.2012", "62.01.02.2016"
# The QA's death: a Kristen girl of Rangda, as the demo makes her.
QA_DEATH = "6201026404230001"


def unchanged(before: dict[str, RegionCounts], after: dict[str, RegionCounts]) -> dict:
    """Region -> the tables whose counts are the same in both (what the reader is told)."""
    same = {}
    for code in set(before) & set(after):
        same[code] = {
            table
            for table in TABLES
            if all(
                before[code].tables[table].get(c, 0) == after[code].tables[table].get(c, 0)
                for c in set(before[code].tables[table]) | set(after[code].tables[table])
            )
        }
    return same


def release(custodian) -> tuple[dict[str, dict], dict[str, RegionCounts]]:
    """The custodian publishes a release: every region's public answer, and the raw counts."""
    before = StatisticsRelease.objects.count()
    answer = custodian.post("/statistics/publish/", {"region": CODES[0]}, follow=True)
    assert f"Rilis statistik {before + 1} diterbitkan" in answer.text  # a new one, not the last
    anonymous = client_for(None)
    summaries = {code: public(anonymous, code) for code in CODES}
    return {code: s for code, s in summaries.items() if s["total"] != 0}, statistics.raw_counts(
        timezone.localdate()
    )[0]


def small(pins: list[tuple]) -> list[tuple]:
    """Pinned counts of 1 or 2 people: a larger count pinned is one the rule would show."""
    return [pin for pin in pins if pin[-1] < 3]


@pytest.mark.django_db
@MONTHLY
def test_one_death_pins_no_hidden_count_of_the_unchanged_villages(cast):
    # The QA's reproduction: release, one death in Rangda, release again.
    assert demo.seed_residents(VILLAGES, demo.RESIDENTS_PER_VILLAGE) > 0
    custodian = client_for(cast.custodian)
    first, before = release(custodian)
    girl = Resident.objects.get(nik=QA_DEATH)
    assert (girl.village_id, girl.religion) == (RANGDA, 2)
    services.record_death(cast.custodian, girl, timezone.localdate())
    second, after = release(custodian)
    assert first["62.01.02"]["total"] - 1 == second["62.01.02"]["total"]
    # Each release alone gives nothing away, and neither do both together.
    assert integer_hidden_cells(second, PARENT_OF) == []
    assert small(two_release_hidden_cells(first, second, PARENT_OF, unchanged(before, after))) == []
    # The villages that did not change answer exactly as before.
    for code in set(VILLAGES) - {RANGDA}:
        assert {**first[code], "as_of": None} == {**second[code], "as_of": None}
    # What Rangda hid and still has the same count of stays hidden (its Katholik).
    religion = {row["code"]: row["count"] for row in second[RANGDA]["religion"]}
    assert religion[3] == "*"


@pytest.mark.django_db
@MONTHLY
def test_three_releases_with_a_death_between_each_pin_nothing_small(cast):
    # A reader keeps every release: the third is protected with the first two.
    assert demo.seed_residents(VILLAGES, demo.RESIDENTS_PER_VILLAGE) > 0
    custodian = client_for(cast.custodian)
    published = [release(custodian)]
    died(cast, Resident.objects.get(nik=QA_DEATH))
    published.append(release(custodian))
    died(cast, Resident.objects.filter(village_id=RUNTU, religion=6).order_by("pk").first())
    published.append(release(custodian))
    releases, raw = [summaries for summaries, _ in published], [counts for _, counts in published]
    told = {(i + 1, j + 1): unchanged(raw[i], raw[j]) for i in range(3) for j in range(i + 1, 3)}
    assert small(releases_hidden_cells(releases, PARENT_OF, told)) == []
    assert StatisticsRelease.objects.count() == 3


def died(cast, resident: Resident) -> None:
    services.record_death(cast.custodian, resident, timezone.localdate())


@pytest.mark.django_db
@MONTHLY
def test_releases_protected_each_alone_give_the_qa_two_counts_of_1(cast, monkeypatch):
    # The attacker finds what the QA found when each release is protected on its own.
    alone = statistics.protect_release
    monkeypatch.setattr(statistics, "protect_release", lambda r, p, previous: alone(r, p, None))
    assert demo.seed_residents(VILLAGES, demo.RESIDENTS_PER_VILLAGE) > 0
    custodian = client_for(cast.custodian)
    first, before = release(custodian)
    services.record_death(cast.custodian, Resident.objects.get(nik=QA_DEATH), timezone.localdate())
    second, after = release(custodian)
    pins = small(two_release_hidden_cells(first, second, PARENT_OF, unchanged(before, after)))
    assert {pin[1:] for pin in pins} == {(RUNTU, "religion", 6, 1), (NATAI_RAYA, "religion", 4, 1)}


@pytest.mark.django_db
@MONTHLY
@pytest.mark.parametrize("newcomer", ["62.01.02.2020", "61.12.01.2002"])
def test_a_first_import_pins_no_hidden_count_of_the_other_villages(cast, newcomer):
    # The README's advice: publish right after a village's first import. The demo's people
    # (as `satudata demo` makes them); the newcomer's come in after the first release.
    assert demo.seed_residents(VILLAGES, demo.RESIDENTS_PER_VILLAGE) > 0
    arriving = Resident.all_objects.filter(village_id=newcomer)
    arriving.update(deleted_at=timezone.now())
    custodian = client_for(cast.custodian)
    first, before = release(custodian)
    assert newcomer not in first
    arriving.update(deleted_at=None)
    # Changed behind the audit trail, which the unchanged-release rule reads: an import's
    # own entry, as a real first import records it.
    AuditEntry.objects.create(
        action=AuditEntry.Action.CREATE, model_label="registry.importjob", object_pk="1"
    )
    second, after = release(custodian)
    assert second[newcomer]["total"] > 100
    assert integer_hidden_cells(second, PARENT_OF) == []
    assert small(two_release_hidden_cells(first, second, PARENT_OF, unchanged(before, after))) == []
    # At the price of more hidden cells above the new village, not of withheld regions.
    withheld = [code for code, summary in second.items() if summary["total"] == "*"]
    assert withheld == [code for code, summary in first.items() if summary["total"] == "*"]


@pytest.mark.django_db
@MONTHLY
def test_what_a_release_hid_is_kept_with_it_and_never_served(cast):
    assert demo.seed_residents(VILLAGES[:3], demo.RESIDENTS_PER_VILLAGE) > 0
    custodian = client_for(cast.custodian)
    summaries, _ = release(custodian)
    stored = StatisticsRelease.objects.get()
    hidden = stored.hidden_counts
    assert any(region["cells"] for region in hidden.values())
    # The stored figures and what they hid give back the true counts and the same answers.
    regions = statistics.counts_of_release(stored.summaries, hidden)
    raw = statistics.raw_counts(timezone.localdate())[0]
    for code, counts in regions.items():
        assert "known" not in hidden[code]  # a first release gives nothing away
        assert statistics._render(counts) == stored.summaries[code]
        assert counts.total == raw[code].total
        for table in TABLES:
            for category in set(counts.tables[table]) | set(raw[code].tables[table]):
                assert counts.value(table, category) == raw[code].value(table, category)
    # Neither the API, nor the page, nor the audit entry carries them.
    answer = client_for(None).get("/api/v1/statistics/population", {"region": VILLAGES[0]})
    assert "hidden" not in answer.text and "cells" not in answer.text
    page = client_for(None).get(f"/statistics/population/{VILLAGES[0]}/")
    assert "cells" not in page.text
    entry = AuditEntry.objects.filter(model_label="registry.statisticsrelease").latest("id")
    assert "hidden_counts" not in entry.after and "summaries" not in entry.after


@pytest.mark.django_db
@MONTHLY
def test_a_release_before_hidden_counts_were_kept_is_followed_alone(cast, caplog):
    assert demo.seed_residents(VILLAGES[:3], demo.RESIDENTS_PER_VILLAGE) > 0
    custodian = client_for(cast.custodian)
    release(custodian)
    StatisticsRelease.objects.update(hidden_counts=None)  # as published by the sixth session
    died(cast, Resident.objects.filter(village_id=VILLAGES[0]).order_by("pk").first())
    second, _ = release(custodian)
    assert StatisticsRelease.objects.latest("number").hidden_counts is not None
    assert integer_hidden_cells(second, PARENT_OF) == []
    assert "kept no hidden counts" in caplog.text


# --- Random regencies and random changes, straight through the pure functions. ---


def changed_people(rng: random.Random, people: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """One to three deaths, births or moves between villages, or a new village."""
    people = {village: list(residents) for village, residents in people.items()}
    for _ in range(rng.randint(1, 3)):
        village = rng.choice(sorted(people))
        kind = rng.choice(["death", "birth", "move", "import"])
        if kind in ("death", "move") and people[village]:
            person = people[village].pop(rng.randrange(len(people[village])))
            if kind == "move":
                people[rng.choice(sorted(people))].append(person)
        elif kind == "birth":
            people[village].append({"sex": rng.choice([1, 2]), "age": 0, "religion": 1})
        elif kind == "import":
            new = f"{village[:-4]}{2090 + rng.randint(0, 5)}"
            people.setdefault(new, [])
            people[new] += [random_person(rng) for _ in range(rng.choice([3, 6, 12]))]
    return people


def random_person(rng: random.Random) -> dict:
    return {
        "sex": rng.choice([1, 2]),
        "age": rng.choice([0, 0, 3, 15]),
        "religion": rng.choice([1, 1, 2, 4]),
        "education": rng.choice([1, 2, 5]),
        "occupation": rng.choice([1, 9]),
    }


def random_people(rng: random.Random) -> dict[str, list[dict]]:
    villages = [
        f"62.01.{d:02}.{2000 + v}"
        for d in range(1, rng.randint(1, 3) + 1)
        for v in range(1, rng.randint(2, 5) + 1)
    ]
    return {v: [random_person(rng) for _ in range(rng.choice([3, 6, 9, 12, 20]))] for v in villages}


def published(people: dict, previous: list | dict | None = None) -> tuple[dict, dict]:
    """(summaries, the release as the next one reads it) of one release of these people,
    protected with the earlier releases (oldest first) or the previous one."""
    from satudata.registry.release_protection import protect_release

    regions = counts_of({v: p for v, p in people.items() if p})
    parent_of = tree_of(list(regions))
    protect_release(regions, {c: p for c, p in parent_of.items() if c in regions}, previous)
    summaries = {code: statistics._render(counts) for code, counts in regions.items()}
    hidden = {code: statistics._hidden_counts(counts) for code, counts in regions.items()}
    return summaries, statistics.counts_of_release(summaries, hidden)


def two_releases(seed: int, together: bool) -> tuple[list[tuple], dict, dict]:
    rng = random.Random(seed)
    people = random_people(rng)
    first, protected = published(people)
    later = changed_people(rng, people)
    second, _ = published(later, protected if together else None)
    before = counts_of({v: p for v, p in people.items() if p})
    after = counts_of({v: p for v, p in later.items() if p})
    parent_of = tree_of(sorted(set(before) | set(after)))
    pins = two_release_hidden_cells(first, second, parent_of, unchanged(before, after))
    return small(pins), second, parent_of


@pytest.mark.parametrize("seed", range(40))
def test_two_releases_of_a_random_regency_pin_no_small_count(seed):
    pins, second, parent_of = two_releases(seed, together=True)
    assert pins == []
    assert integer_hidden_cells(second, parent_of) == []


@pytest.mark.parametrize("seed", range(12))
def test_three_releases_of_a_random_regency_pin_no_small_count(seed):
    # Each release is checked with the one before it; what two gave away together is kept
    # with the release (`worked_out`), so the third is protected from the first as well.
    rng = random.Random(1000 + seed)
    people = [random_people(rng)]
    people += [changed_people(rng, people[0])]
    people += [changed_people(rng, people[1])]
    releases, history = [], []
    for state in people:
        summaries, stored = published(state, history)
        releases.append(summaries)
        history.append(stored)
    raw = [counts_of({v: p for v, p in state.items() if p}) for state in people]
    parent_of = tree_of(sorted(set().union(*raw)))
    told = {(i + 1, j + 1): unchanged(raw[i], raw[j]) for i in range(3) for j in range(i + 1, 3)}
    assert small(releases_hidden_cells(releases, parent_of, told)) == []


def test_releases_protected_each_alone_pin_small_counts_together():
    # The same random regencies and changes, each release protected alone (as before).
    leaking = sum(bool(two_releases(seed, together=False)[0]) for seed in range(40))
    assert leaking > 8


def test_a_region_whose_counts_did_not_change_is_published_as_before():
    rng = random.Random(5)
    people = random_people(rng)
    first, protected = published(people)
    village = sorted(people)[0]
    people[village] = people[village][1:]  # one death
    second, _ = published(people, protected)
    parents = {village, *statistics._ancestors(village)}
    for code in set(first) - parents:
        assert second[code] == first[code]


def test_a_birthday_alone_keeps_the_other_tables_as_they_were():
    # Monthly releases: ages move on while the other tables stay. Those keep their cells.
    rng = random.Random(9)
    people = random_people(rng)
    first, protected = published(people)
    for residents in people.values():
        for person in residents[:2]:
            person["age"] = min(person["age"] + 1, 15)
    second, _ = published(people, protected)
    # (A village whose ages alone can no longer be protected is withheld whole, 2 and 2 women
    # of two age groups; what it showed before stays known, as it is the same.)
    shown = [code for code in first if "*" not in (first[code]["total"], second[code]["total"])]
    assert len(shown) > len(first) / 2
    for code in shown:
        for table in ("sex", "religion", "education", "occupation", "marital_status"):
            assert second[code][table] == first[code][table]


def test_what_the_previous_release_gave_away_on_its_own_is_not_chased():
    # A release made before the tree protection (or withheld in a hurry) may pin counts on
    # its own. Nothing the next release hides can take that back: it is left as it is, and
    # the rest is protected as usual.
    for seed in range(60):
        rng = random.Random(seed)
        people = random_people(rng)
        regions = counts_of(people)
        for counts in regions.values():
            statistics.protect_region(counts)  # region by region only, as before 2026-11-23
        first = {code: statistics._render(counts) for code, counts in regions.items()}
        given_away = small(integer_hidden_cells(first, tree_of(list(people))))
        if given_away:
            break
    later = changed_people(rng, people)
    second, _ = published(later, regions)
    before, after = counts_of(people), counts_of({v: p for v, p in later.items() if p})
    parent_of = tree_of(sorted(set(before) | set(after)))
    pins = small(two_release_hidden_cells(first, second, parent_of, unchanged(before, after)))
    assert {pin[1:] for pin in pins} <= set(given_away)
