"""An account that has acted is deactivated, not deleted (QA, tenth session): deleting it in
the admin blanked the actor of its life events, merges and NIK conflicts (SET_NULL)."""

from __future__ import annotations

import json

import pytest

from satudata.accounts.models import User
from satudata.audit.models import AuditEntry
from satudata.conftest import VILLAGE_A, make_user
from satudata.registry.models import NikConflict
from satudata.registry.tests.helpers import resident_data

pytestmark = pytest.mark.django_db

REFUSED = "tidak dapat dihapus: riwayat menyebut akun itu pernah bertindak"  # after "Akun <names>"
DEACTIVATE = "Nonaktifkan akunnya saja: hapus centang “Aktif” di halamannya."


def _traces(user) -> tuple:
    return (
        AuditEntry.objects.filter(actor=user).count(),
        NikConflict.objects.filter(actor=user).count(),
    )


def test_an_account_that_acted_is_not_deleted(clients, cast):
    operator = cast.operator_a
    data = {**resident_data(name="Ani"), "village": VILLAGE_A}
    registered = clients["operator_a"].post(
        "/api/v1/residents", json.dumps(data, default=str), content_type="application/json"
    )
    assert registered.status_code == 201, registered.content  # named by its audit entry
    before = _traces(operator)
    assert before[0] > 0
    url = f"/admin/accounts/user/{operator.pk}/delete/"
    for data in (None, {"post": "yes"}):  # neither the confirmation page nor the delete
        response = clients["custodian"].post(url, data) if data else clients["custodian"].get(url)
        assert response.status_code == 302
        assert response.url == f"/admin/accounts/user/{operator.pk}/change/"
    page = clients["custodian"].get(response.url).content.decode()
    assert f"Akun operator.a {REFUSED}" in page and DEACTIVATE in page
    assert User.objects.filter(pk=operator.pk).exists()
    assert _traces(operator) == before
    assert not AuditEntry.objects.filter(model_label="accounts.user", action="delete").exists()


def test_delete_selected_refuses_if_any_account_acted(clients, cast):
    # Only a NIK conflict names this one: no audit entry.
    NikConflict.objects.create(
        nik="6201024903050003",
        village_id=cast.operator_b.region_id,
        holder_village_id=cast.operator_a.region_id,
        actor=cast.operator_b,
    )
    idle = make_user("tamu.idle", User.Role.VILLAGE_OPERATOR, region=cast.operator_a.region)
    chosen = [cast.operator_b.pk, idle.pk]
    for confirm in ({}, {"post": "yes"}):
        response = clients["custodian"].post(
            "/admin/accounts/user/",
            {"action": "delete_selected", "_selected_action": chosen, **confirm},
            follow=True,
        )
        page = response.content.decode()
        assert f"Akun operator.b {REFUSED}" in page  # only the one that acted is named
    assert User.objects.filter(pk__in=chosen).count() == 2
    assert NikConflict.objects.get().actor == cast.operator_b
    # Who never acted may still go, alone.
    response = clients["custodian"].post(
        "/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": [idle.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=idle.pk).exists()
