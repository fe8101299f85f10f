"""Asking where a NIK is held leaves a trace (QA of 2026-11-24, third session): a move in
tried without naming the village of origin answered "registered in another village" and
wrote nothing, so any operator could test NIKs unseen."""

from __future__ import annotations

import json

import pytest

from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.registry.models import NikConflict
from satudata.registry.tests.helpers import registry_snapshot, resident_data

pytestmark = pytest.mark.django_db


def test_a_move_in_probe_is_listed_for_the_custodian(clients, household):
    head = household[1]
    body = {"village": VILLAGE_B, "nik": head.nik}
    for _ in range(2):  # the second try adds nothing new to settle
        response = clients["operator_b"].post(
            "/api/v1/move-ins", json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 409
    conflict = NikConflict.objects.get()
    assert (conflict.nik, conflict.village_id, conflict.holder_village_id) == (
        head.nik,
        VILLAGE_B,
        VILLAGE_A,
    )
    assert conflict.actor is not None and not conflict.resolved


def test_the_move_in_form_without_the_tick_is_listed_too(clients, household):
    head = household[1]
    page = clients["operator_b"].post(
        f"/registry/move-in/?village={VILLAGE_B}", {"nik": head.nik, "date": "2026-03-01"}
    )
    assert "centang kotak ini" in page.content.decode()
    assert NikConflict.objects.filter(nik=head.nik, village_id=VILLAGE_B).exists()


def test_a_move_in_whose_person_names_another_nik_or_village_is_refused(clients):
    person = {**resident_data(name="Ani"), "village": VILLAGE_A}
    before = registry_snapshot()
    for changed, message in (
        ({"nik": resident_data(name="Lain")["nik"]}, "person.nik: harus NIK permintaan ini"),
        ({"village": VILLAGE_B}, "person.village: harus desa permintaan ini."),
    ):
        body = {"village": VILLAGE_A, "nik": person["nik"], "person": {**person, **changed}}
        response = clients["operator_a"].post(
            "/api/v1/move-ins", json.dumps(body, default=str), content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["detail"].startswith(message)
    assert registry_snapshot() == before
