"""A change of head while the old head's record is being edited (QA, PostgreSQL): the change
read the old head without a lock and then saved that copy, so an edit confirmed to its
operator a moment earlier was written back over, at the same version number."""

from __future__ import annotations

from satudata.registry.models import Resident
from satudata.registry.services import residents
from satudata.registry.tests.test_api import post
from satudata.registry.tests.test_concurrent_writes import at_once, regions_after_a_flush
from satudata.registry.tests.test_edit_rules import patch

__all__ = ["regions_after_a_flush"]  # the fixture, used by name below


def test_an_edit_of_the_old_head_survives_a_change_of_head(
    regions_after_a_flush, clients, household, monkeypatch
):
    family, head, wife, _daughter = household
    client = clients["operator_a"]
    version = Resident.objects.get(pk=head.pk).version

    def edit():
        return patch(
            client,
            f"/api/v1/residents/{head.pk}",
            {"version": version, "birth_place": "Kuala Pembuang"},
        )

    def change_head():
        return post(
            client,
            f"/api/v1/families/{family.pk}/head",
            {"new_head": wife.pk, "old_head_relationship": 3},
        )

    # The edit pauses holding the old head's row, right after reading it under lock.
    edited, changed = at_once(monkeypatch, residents, "_check", edit, change_head)
    assert edited.status_code == 200, edited.content
    assert changed.status_code == 200, changed.content
    stored = Resident.objects.get(pk=head.pk)
    assert stored.birth_place == "Kuala Pembuang"  # the confirmed edit is kept
    assert stored.relationship == 3  # and so is the change of head
    assert stored.version == version + 2  # each change counted once
