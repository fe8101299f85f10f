"""QA: a merge left the removed record in the age pyramid.

As custodian, "Gabungkan, pertahankan A" on /quality/duplicates/ soft-deleted one resident,
but the maintained pyramid cells still counted it: the published pyramid's columns no longer
added up to the sex totals. Undoing the merge must put the count back as well.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from satudata.conftest import VILLAGE_A
from satudata.quality.models import CandidatePair, Merge
from satudata.registry.tests.test_statistics_tree import public, register

WOMEN, MEN = 8, 6


@pytest.fixture
def pair(cast):
    women = [register(cast, VILLAGE_A, 34, 2, name=f"Siti Aminah {i}") for i in range(WOMEN)]
    for i in range(MEN):
        register(cast, VILLAGE_A, 41, 1, name=f"Budi Santoso {i}")
    return CandidatePair.objects.create(
        resident_a=women[0],
        resident_b=women[1],
        match_probability=0.99,
        match_weight=12.5,
        agreeing=["name", "birth_date", "mother"],
    )


def columns(client) -> tuple[dict, dict]:
    """({sex: count}, {sex: sum of its pyramid column}) as the public API shows them."""
    summary = public(client, VILLAGE_A)
    sexes = {row["code"]: row["count"] for row in summary["sex"]}
    pyramid = {
        1: sum(g["male"] for g in summary["age_groups"]),
        2: sum(g["female"] for g in summary["age_groups"]),
    }
    return sexes, pyramid


@pytest.mark.django_db
def test_a_merge_and_its_undo_keep_the_pyramid_equal_to_the_sex_totals(clients, pair):
    anonymous, custodian = clients["anonymous"], clients["custodian"]
    assert columns(anonymous) == ({1: MEN, 2: WOMEN}, {1: MEN, 2: WOMEN})

    response = custodian.post(reverse("quality:merge", args=[pair.pk]), {"keep": "a"})
    assert response.status_code == 302
    assert CandidatePair.objects.get(pk=pair.pk).status == "merged"
    sexes, pyramid = columns(anonymous)
    assert sexes == {1: MEN, 2: WOMEN - 1}
    assert pyramid == sexes  # the removed record is no longer in the 30–34 group

    response = custodian.post(reverse("quality:undo", args=[Merge.objects.get().pk]))
    assert response.status_code == 302
    assert columns(anonymous) == ({1: MEN, 2: WOMEN}, {1: MEN, 2: WOMEN})
