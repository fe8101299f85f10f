"""QA: the page of a village whose figures are withheld said it had nobody.

/villages/62.01.01.2002/ (100 living residents, figures hidden because a neighbour's would
otherwise follow) showed "* penduduk hidup … Laki-laki: 0 · Perempuan: 0" and "Belum ada
penduduk yang tercatat". A hidden figure is shown with the statistics API's mark, never as 0
or as "no residents".
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.registry.models import Resident
from satudata.villages.tests.test_profile import add_residents

pytestmark = pytest.mark.django_db


@pytest.fixture
def withheld_village():
    """VILLAGE_B's 100 residents are withheld: beside VILLAGE_A's one resident, in one
    district, B's total would give A's away."""
    add_residents(VILLAGE_A, 1, sex=2, education=8, start=500)
    add_residents(VILLAGE_B, 60, sex=1, education=5)
    add_residents(VILLAGE_B, 40, sex=2, education=6, start=100)
    assert Resident.objects.filter(village_id=VILLAGE_B).count() == 100
    return VILLAGE_B


def statistics_api(client, code):
    return client.get("/api/v1/statistics/population", {"region": code}).json()


@pytest.mark.parametrize(
    ("language", "male", "female", "nobody", "hidden"),
    [
        ("id", "Laki-laki", "Perempuan", "Belum ada penduduk yang tercatat", "Disembunyikan (*)"),
        ("en", "Male", "Female", "No residents recorded yet", "Hidden (*)"),
    ],
)
def test_a_withheld_village_shows_the_mark_not_nobody(
    withheld_village, language, male, female, nobody, hidden
):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    published = statistics_api(client, withheld_village)
    assert published["total"] in ("*", "<3") and published["sex"] == []  # withheld
    page = client.get(f"/villages/{withheld_village}/").content.decode()
    mark = re.escape(str(published["total"]).replace("<", "&lt;"))
    assert re.search(rf"{male}: <strong>{mark}</strong> · {female}: <strong>{mark}</strong>", page)
    assert "<strong>0</strong>" not in page
    assert nobody not in page
    assert hidden in page  # where the education table would be


def test_a_village_with_nobody_still_says_so(client):
    page = client.get(f"/villages/{VILLAGE_A}/").content.decode()
    assert "Belum ada penduduk yang tercatat" in page
    assert "Laki-laki: <strong>0</strong>" in page
