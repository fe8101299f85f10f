"""One shape per answer: the same refusal has the same status and type whichever call meets
it, and every 400 names the parameter at fault (found by API QA)."""

from __future__ import annotations

import json

import pytest

from satudata.conftest import VILLAGE_B
from satudata.regions.models import Region
from satudata.registry import services
from satudata.registry.tests.helpers import registry_snapshot, resident_data

pytestmark = pytest.mark.django_db


def test_editing_a_nik_to_one_another_village_holds_is_a_409_as_registering_it(
    clients, cast, household
):
    _family, _head, wife, _daughter = household
    other = services.register_resident(
        cast.operator_b,
        Region.objects.get(code=VILLAGE_B),
        resident_data(name="Wati", village=VILLAGE_B),
    )
    before = registry_snapshot()
    answer = clients["operator_a"].patch(
        f"/api/v1/residents/{wife.pk}",
        json.dumps(
            {"version": wife.version, "nik": other.nik, "birth_date": str(other.birth_date)}
        ),
        content_type="application/json",
    )
    assert answer.status_code == 409
    assert answer.json()["type"] == "nik_elsewhere" and "Runtu" in answer.json()["detail"]
    assert registry_snapshot() == before


@pytest.mark.parametrize(
    ("region", "start"),
    [("", "region: berikan kode wilayah"), ("abc", "region: abc bukan kode wilayah")],
)
def test_a_bad_region_code_is_named(client, region, start):
    answer = client.get(f"/api/v1/statistics/population?region={region}")
    assert answer.status_code == 400 and answer.json()["detail"].startswith(start)
