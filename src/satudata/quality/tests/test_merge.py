"""Merging duplicates from the custodian's page, undoing a merge, and "different people"."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from satudata.audit.models import AuditEntry
from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.quality.models import CandidatePair, Merge
from satudata.registry.models import Family, LifeEvent, Resident

from .helpers import person

NIK_A = "6201025705900001"
NIK_B = "6201025705900091"


@pytest.fixture
def pair(cast):
    family = Family.objects.create(family_number="6201020101200001", village_id=VILLAGE_B)
    # One village: records of two villages are not merged (test_merge_rules).
    a = person(NIK_A, "Nurul Hidayat", VILLAGE_B)
    b = person(NIK_B, "Noerul Hidajat", VILLAGE_B, family=family, relationship=1)
    LifeEvent.objects.create(resident=b, village_id=VILLAGE_B, kind="move_in", date="2024-01-02")
    return CandidatePair.objects.create(
        resident_a=a,
        resident_b=b,
        match_probability=0.99,
        match_weight=12.5,
        agreeing=["name", "birth_date", "mother"],
    )


def state(*residents):
    rows = Resident.all_objects.filter(pk__in=[r.pk for r in residents]).order_by("pk")
    fields = ("pk", "nik", "name", "family_id", "village_id", "deleted_at")
    return (
        list(rows.values_list(*fields)),
        sorted(LifeEvent.objects.values_list("pk", "resident_id")),
    )


def test_custodian_sees_pending_pairs_side_by_side(clients, pair):
    response = clients["custodian"].get(reverse("quality:duplicates"))
    assert response.status_code == 200
    body = response.content.decode()
    assert NIK_A in body and NIK_B in body and "Noerul Hidajat" in body and "12,5" in body


@pytest.mark.parametrize("who", ["producer_a", "operator_a", "operator_b", "district_viewer"])
def test_only_the_custodian_may_see_or_merge_pairs(clients, pair, who):
    assert clients[who].get(reverse("quality:duplicates")).status_code == 403
    response = clients[who].post(reverse("quality:merge", args=[pair.pk]), {"keep": "a"})
    assert response.status_code == 403
    assert not Resident.objects.get(pk=pair.resident_b_id).deleted_at


def test_anonymous_is_sent_to_login_and_sees_no_nik(clients, pair):
    response = clients["anonymous"].get(reverse("quality:duplicates"))
    assert response.status_code == 302
    assert NIK_A not in response.content.decode()


def test_merge_moves_events_and_family_and_undo_restores_everything(clients, cast, pair):
    a, b = pair.resident_a, pair.resident_b
    before = state(a, b)
    client = clients["custodian"]
    response = client.post(reverse("quality:merge", args=[pair.pk]), {"keep": "a"})
    assert response.status_code == 302
    a.refresh_from_db()
    removed = Resident.all_objects.get(pk=b.pk)
    assert removed.deleted_at is not None
    assert a.family_id == b.family_id
    assert set(LifeEvent.objects.values_list("resident_id", flat=True)) == {a.pk}
    assert CandidatePair.objects.get(pk=pair.pk).status == "merged"
    assert AuditEntry.objects.filter(
        model_label="registry.resident", object_pk=str(b.pk), action="delete"
    ).exists()
    record = Merge.objects.get()
    assert client.get(reverse("quality:merges")).status_code == 200
    response = client.post(reverse("quality:undo", args=[record.pk]))
    assert response.status_code == 302
    assert state(a, b) == before
    assert CandidatePair.objects.get(pk=pair.pk).status == "pending"
    again = client.post(reverse("quality:undo", args=[record.pk]), follow=True)
    assert "sudah dibatalkan" in again.content.decode()


def test_different_people_are_never_proposed_again(clients, pair):
    response = clients["custodian"].post(reverse("quality:different", args=[pair.pk]))
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == "different" and pair.decided_at
    body = clients["custodian"].get(reverse("quality:duplicates")).content.decode()
    assert NIK_A not in body
    second = clients["custodian"].post(
        reverse("quality:merge", args=[pair.pk]), {"keep": "a"}, follow=True
    )
    assert "sudah diputuskan" in second.content.decode()
    assert Resident.objects.filter(pk=pair.resident_b_id).exists()


def test_undo_is_refused_when_the_nik_was_taken_meanwhile(clients, pair):
    clients["custodian"].post(reverse("quality:merge", args=[pair.pk]), {"keep": "a"})
    person(NIK_B, "Orang Lain", VILLAGE_A, birth_date=datetime.date(1990, 5, 17))
    record = Merge.objects.get()
    response = clients["custodian"].post(reverse("quality:undo", args=[record.pk]), follow=True)
    assert response.status_code == 200
    assert Resident.all_objects.get(pk=pair.resident_b_id).deleted_at is not None
    assert Merge.objects.get().undone_at is None
