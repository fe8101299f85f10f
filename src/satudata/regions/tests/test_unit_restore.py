"""A unit brought back from the change history while the unit it lies in is still deleted
(QA, tenth session): "RW 009 sudah dipulihkan" under a deleted hamlet, a unit tree that the
unit filter of /registry/ never lists."""

from __future__ import annotations

import pytest

from satudata.audit.models import AuditEntry
from satudata.conftest import VILLAGE_A
from satudata.regions.models import LocalUnit, Region
from satudata.regions.services import add_local_unit

pytestmark = pytest.mark.django_db


def test_a_unit_under_a_deleted_unit_is_not_restored(clients, cast):
    village = Region.objects.get(code=VILLAGE_A)
    hamlet = add_local_unit(cast.operator_a, village, "hamlet", "Dusun Hilir")
    rw = add_local_unit(cast.operator_a, village, "rw", "9", hamlet.pk)
    for unit in (rw, hamlet):  # the RW first: a unit with units inside cannot go
        clients["operator_a"].post(f"/regions/units/{unit.pk}/delete/")
    assert not LocalUnit.objects.filter(pk__in=[rw.pk, hamlet.pk]).exists()
    restores = AuditEntry.objects.filter(action="restore")

    page = clients["custodian"].post(
        f"/audit/record/regions.localunit/{rw.pk}/restore/", follow=True
    )
    text = page.content.decode()
    assert (
        "RW 009 berada di Dusun Hilir, yang sudah dihapus: pulihkan dulu Dusun Hilir, lalu "
        "RW 009. Tidak ada yang dipulihkan."
    ) in text
    assert "sudah dipulihkan" not in text
    assert LocalUnit.all_objects.get(pk=rw.pk).deleted_at is not None
    assert not restores.exists()

    # In order, both come back.
    for unit in (hamlet, rw):
        clients["custodian"].post(f"/audit/record/regions.localunit/{unit.pk}/restore/")
    assert set(LocalUnit.objects.filter(village=village).values_list("pk", flat=True)) == {
        hamlet.pk,
        rw.pk,
    }
    assert restores.count() == 2
