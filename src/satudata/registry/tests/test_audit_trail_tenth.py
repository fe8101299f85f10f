"""Audit trail odds and ends (QA, tenth session): a move in that closes a NIK conflict leaves
the entry a manual close leaves; the resident page says when it shows only the latest changes."""

from __future__ import annotations

import json

import pytest

from satudata.audit.models import AuditEntry
from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.registry.models import NikConflict, Resident
from satudata.registry.tests.helpers import resident_data

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, json.dumps(data, default=str), content_type="application/json")


def test_a_move_in_that_closes_a_conflict_audits_the_close(clients, cast, household):
    person = household[3]  # the daughter: not a head, free to go
    # Village B tries the NIK village A holds: refused, and a conflict is opened.
    data = resident_data(name="Rina", birth_date=person.birth_date)
    tried = {**data, "nik": person.nik, "sex": person.sex, "village": VILLAGE_B}
    refused = post(clients["operator_b"], "/api/v1/residents", tried)
    assert refused.status_code == 409, refused.content
    conflict = NikConflict.objects.get(nik=person.nik, village_id=VILLAGE_B, resolved=False)
    # Village A lets the person go; village B takes them in, which settles the conflict.
    out = post(clients["operator_a"], f"/api/v1/residents/{person.pk}/events", {"kind": "move_out"})
    assert out.status_code == 201, out.content
    moved = post(
        clients["operator_b"],
        "/api/v1/move-ins",
        {"village": VILLAGE_B, "nik": person.nik, "from_village": VILLAGE_A},
    )
    assert moved.status_code == 201, moved.content
    conflict.refresh_from_db()
    assert conflict.resolved
    entries = AuditEntry.objects.filter(model_label="registry.nikconflict")
    assert entries.count() == 1
    entry = entries.get()
    assert (entry.object_pk, entry.action) == (str(conflict.pk), "update")
    assert (entry.actor, entry.actor_label) == (cast.operator_b, cast.operator_b.username)
    assert entry.before["resolved"] is False and entry.after["resolved"] is True
    assert Resident.objects.get(pk=person.pk).village_id == VILLAGE_B


def _changes(person, count):
    """`count` changes of the resident's record by one clerk, after its registration."""
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor_label="pencatat-lama",
            action="update",
            model_label="registry.resident",
            object_pk=str(person.pk),
            object_repr=person.name,
            region_code=person.village_id,
            before={"occupation": n},
            after={"occupation": n + 1},
        )
        for n in range(count)
    )


def test_the_resident_page_says_when_it_shows_only_the_latest_changes(clients, household):
    person, short = household[1], household[2]
    _changes(short, 3)  # a short history is shown whole, with no notice
    page = clients["operator_a"].get(f"/registry/residents/{short.pk}/").content.decode()
    assert page.count("pencatat-lama") == 3 and "Tampilkan seluruh riwayat" not in page
    _changes(person, 55)
    total = AuditEntry.objects.filter(model_label="registry.resident", object_pk=person.pk).count()
    url = f"/registry/residents/{person.pk}/"
    page = clients["operator_a"].get(url).content.decode()
    assert total == 56 and page.count("pencatat-lama") == 50  # not the registration
    assert f"Ditampilkan 50 perubahan terakhir dari {total}." in page
    assert 'href="?history=all#history">Tampilkan seluruh riwayat</a>' in page
    whole = clients["operator_a"].get(url, {"history": "all"}).content.decode()
    assert whole.count("pencatat-lama") == 55 and "dibuat" in whole.split('id="history"')[1]
    assert "Tampilkan seluruh riwayat" not in whole
    # Scoped like the page itself: another village's operator reads neither.
    assert clients["operator_b"].get(url, {"history": "all"}).status_code == 404
