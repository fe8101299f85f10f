"""The data-quality dashboard, scoped to what each account may read."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from satudata.conftest import DISTRICT, VILLAGE_A, VILLAGE_B
from satudata.regions.models import Region, RolloutPhase

from .helpers import person


@pytest.fixture
def data(cast):
    person("6201025705900001", "Siti Aminah", VILLAGE_A)
    person("0620102201600001", "Bayi Baru", VILLAGE_A, nik_is_temporary=True, mother_name="")
    person("6201025705900003", "Yuliana", VILLAGE_B)
    person("6299995705900004", "Nik Salah", VILLAGE_B)
    RolloutPhase.objects.create(village_id=VILLAGE_A, phase=1, started_on=datetime.date(2026, 1, 5))
    RolloutPhase.objects.create(village_id=VILLAGE_B, phase=1, started_on=datetime.date(2026, 2, 9))


def figures(client):
    response = client.get(reverse("quality:dashboard"))
    assert response.status_code == 200
    return response.context["d"], response.content.decode()


def test_custodian_sees_everything_with_rollout_chart(clients, data):
    d, body = figures(clients["custodian"])
    assert (d.residents, d.temporary_nik, d.invalid_nik) == (4, 1, 1)
    assert d.complete == 3 and d.with_family == 0
    assert [p["total"] for p in d.rollout] == [1, 2]
    assert d.rollout_target > 100  # every village of the deployment's regencies
    assert "<svg" in body and "<script" not in body.split("</footer>")[0].split("<main")[-1]


def test_district_viewer_sees_its_district(clients, data):
    d, _body = figures(clients["district_viewer"])
    assert d.residents == 4
    villages = Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=DISTRICT + ".")
    assert d.rollout_target == villages.count() > 5


def test_village_operator_sees_only_its_village(clients, data):
    d, body = figures(clients["operator_a"])
    assert d.residents == 2 and d.temporary_nik == 1
    assert [v["village_id"] for v in d.villages] == [VILLAGE_A]
    assert "Runtu" not in body and "6201025705900001" not in body


def test_producer_sees_its_agencys_part_and_no_residents(clients, data):
    d, _body = figures(clients["producer_a"])
    assert d.residents == 0 and d.villages == []


def test_anonymous_is_sent_to_login(clients, data):
    assert clients["anonymous"].get(reverse("quality:dashboard")).status_code == 302


def test_freshness_of_datasets_against_their_schedule(clients, cast, data):
    from satudata.datasets.models import Dataset, Release

    fresh = Dataset.objects.create(
        slug="gizi",
        title="Status gizi balita",
        agency=cast.agency_a,
        topic="health",
        frequency="yearly",
    )
    late = Dataset.objects.create(
        slug="sekolah",
        title="Jumlah sekolah",
        agency=cast.agency_b,
        topic="education",
        frequency="monthly",
    )
    Dataset.objects.create(
        slug="kosong",
        title="Belum ada rilis",
        agency=cast.agency_a,
        topic="health",
        frequency="quarterly",
    )
    this_year = datetime.date.today().year
    Release.objects.create(
        dataset=fresh, year=this_year - 1, status="published", source_format="csv"
    )
    Release.objects.create(
        dataset=late, year=2020, period_type="month", period=3, status="valid", source_format="csv"
    )
    d, body = figures(clients["custodian"])
    states = {f["dataset"].slug: f["state"] for f in d.freshness}
    assert states == {"gizi": "fresh", "sekolah": "overdue", "kosong": "none"}
    assert "2020-03" in body and d.overdue() == 2
    d_a, _ = figures(clients["producer_a"])
    assert {f["dataset"].slug for f in d_a.freshness} == {"gizi", "kosong"}
    d_op, _ = figures(clients["operator_a"])
    assert d_op.freshness == []


def test_pending_pairs_count_either_side_of_the_scope_and_skip_removed_records(clients, data):
    from django.utils import timezone

    from satudata.quality.models import CandidatePair
    from satudata.registry.models import Resident

    there = Resident.objects.get(name="Yuliana")
    here = person("6201025705900005", "Siti Aminah Dua", VILLAGE_A)  # a later id: record B
    pair = {"match_probability": 0.99, "match_weight": 9.0}
    CandidatePair.objects.create(resident_a=there, resident_b=here, **pair)
    assert figures(clients["operator_a"])[0].pending_pairs == 1  # village A holds record B
    Resident.all_objects.filter(pk=there.pk).update(deleted_at=timezone.now())
    assert figures(clients["operator_a"])[0].pending_pairs == 0
    _d, body = figures(clients["operator_a"])
    assert "semua status" in body or "hidup, meninggal" in body


def test_a_family_card_left_without_a_living_head_is_listed_for_its_village(clients, cast):
    from satudata.registry import services
    from satudata.registry.tests.helpers import kk_for, resident_data

    village = Region.objects.get(code=VILLAGE_A)
    card = services.register_family(cast.operator_a, village, kk_for(serial=21))
    head = services.register_resident(
        cast.operator_a, village, resident_data(name="Budi", sex=1), family=card
    )
    wife = services.register_resident(
        cast.operator_a, village, resident_data(name="Siti", relationship=3), family=card
    )
    assert figures(clients["operator_a"])[0].headless_count == 0

    services.record_death(cast.operator_a, head, datetime.date(2026, 1, 2))
    d, body = figures(clients["operator_a"])
    assert d.headless_count == 1 and card.family_number in body
    assert reverse("registry:family", args=[card.pk]) in body
    assert figures(clients["operator_b"])[0].headless_count == 0  # another village's card

    services.change_head(cast.operator_a, card, wife)
    assert figures(clients["operator_a"])[0].headless_count == 0
