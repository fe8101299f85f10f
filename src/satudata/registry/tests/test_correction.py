"""A death, move out or disappearance recorded by mistake is corrected, never erased."""

from __future__ import annotations

import datetime

import pytest

from satudata.audit.models import AuditEntry
from satudata.registry import services
from satudata.registry.models import LifeEvent, Resident
from satudata.registry.tests.helpers import registry_snapshot

pytestmark = pytest.mark.django_db


def correct(client, person, note="Salah pilih orang saat mencatat kematian."):
    return client.post(f"/registry/residents/{person.pk}/correct/", {"note": note}, follow=True)


def test_a_death_recorded_for_the_wrong_person_is_corrected(clients, cast, household):
    _family, _head, wife, _daughter = household
    services.record_death(cast.operator_a, wife, datetime.date(2026, 9, 1))
    page = clients["operator_a"].get(f"/registry/residents/{wife.pk}/").content.decode()
    assert "Koreksi status" in page and "Catat kembali sebagai penduduk hidup" in page
    answer = correct(clients["operator_a"], wife)
    assert "kembali tercatat sebagai penduduk hidup" in answer.content.decode()
    wife.refresh_from_db()
    assert wife.status == Resident.Status.ALIVE
    kinds = list(wife.events.order_by("id").values_list("kind", "note"))
    assert kinds[-2:] == [
        (LifeEvent.Kind.DEATH, ""),
        (LifeEvent.Kind.CORRECTION, "Salah pilih orang saat mencatat kematian."),
    ]
    entry = AuditEntry.objects.filter(
        model_label="registry.resident", object_pk=str(wife.pk)
    ).latest("id")
    assert (entry.before["status"], entry.after["status"]) == (2, 1)
    # The page shows the correction after the death, and offers a living person's actions.
    shown = answer.content.decode()
    assert "dicatat hidup kembali (koreksi)" in shown
    assert "Pindah ke kartu keluarga lain" in shown


def test_a_move_out_is_corrected_through_the_api(clients, cast, household):
    _family, _head, _wife, daughter = household
    services.record_move_out(cast.operator_a, daughter, datetime.date(2026, 9, 1), "Pontianak")
    url = f"/api/v1/residents/{daughter.pk}/events"
    empty = clients["operator_a"].post(
        url, {"kind": "correction", "date": "2026-09-02", "note": " "}, "application/json"
    )
    assert empty.status_code == 400 and "Alasan" in empty.json()["detail"]
    before = registry_snapshot()
    early = clients["operator_a"].post(
        url, {"kind": "correction", "date": "2020-01-01", "note": "Batal."}, "application/json"
    )
    assert early.status_code == 400
    assert early.json()["detail"] == (
        "tanggal: 01-01-2020 sebelum peristiwa yang dikoreksi (01-09-2026)."
    )
    assert registry_snapshot() == before
    fixed = clients["operator_a"].post(
        url,
        {"kind": "correction", "date": "2026-09-02", "note": "Batal pindah."},
        "application/json",
    )
    assert fixed.status_code == 201, fixed.content
    assert fixed.json()["status"] == Resident.Status.ALIVE


def test_only_the_village_corrects_and_a_living_person_needs_no_correction(
    clients, cast, household
):
    _family, _head, wife, daughter = household
    services.record_death(cast.operator_a, wife, datetime.date(2026, 9, 1))
    before = registry_snapshot()
    assert correct(clients["operator_b"], wife).status_code == 404
    assert correct(clients["district_viewer"], wife).status_code == 403
    page = clients["district_viewer"].get(f"/registry/residents/{wife.pk}/").content.decode()
    assert "Koreksi status" not in page
    no_reason = correct(clients["operator_a"], wife, note="").content.decode()
    assert "Alasan" in no_reason
    alive = correct(clients["operator_a"], daughter).content.decode()
    assert "sudah tercatat sebagai penduduk hidup" in alive
    assert registry_snapshot() == before


def test_a_head_is_not_brought_back_beside_the_head_named_since(clients, cast, household):
    _family, head, wife, _daughter = household
    services.record_death(cast.operator_a, head, datetime.date(2026, 9, 1))
    # Her relationship edited to head (the family page's change of head would have made the
    # dead head "other" already).
    services.update_resident(cast.operator_a, wife, {"relationship": 1}, wife.version)
    before = registry_snapshot()
    refused = correct(clients["operator_a"], head).content.decode()
    assert "sudah punya kepala keluarga lain" in refused
    assert registry_snapshot() == before
    head.refresh_from_db()
    services.update_resident(cast.operator_a, head, {"relationship": 3}, head.version)
    assert correct(clients["operator_a"], head).status_code == 200
    head.refresh_from_db()
    assert (head.status, head.relationship) == (Resident.Status.ALIVE, 3)
