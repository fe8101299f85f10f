"""Account and agency changes made in the admin site are in the audit trail, with values."""

from __future__ import annotations

import pytest
from django.utils import timezone

from satudata.accounts.models import Agency, User
from satudata.audit.models import AuditEntry
from satudata.conftest import VILLAGE_A, VILLAGE_B

NEW_PASSWORD = "Kata-sandi-yang-panjang-42"


def entries(obj_or_pk, label="accounts.user"):
    pk = getattr(obj_or_pk, "pk", obj_or_pk)
    return list(AuditEntry.objects.filter(model_label=label, object_pk=str(pk)).order_by("id"))


def change_form(user: User, **changes) -> dict:
    """The admin change form of `user` as the browser would post it, with `changes`."""
    # The form shows whole seconds; an account made in code has microseconds.
    User.objects.filter(pk=user.pk).update(date_joined=user.date_joined.replace(microsecond=0))
    user.refresh_from_db()
    joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "agency": user.agency_id or "",
        "region": user.region_id or "",
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
    }
    for flag in ("is_active", "is_staff", "is_superuser", "is_demo"):
        if getattr(user, flag):
            data[flag] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


@pytest.mark.django_db
def test_creating_an_account_is_audited_without_the_password(clients, cast):
    response = clients["custodian"].post(
        "/admin/accounts/user/add/",
        {
            "username": "operator.baru",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
            "role": "village_operator",
            "region": VILLAGE_A,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="operator.baru")
    (entry,) = entries(user)
    assert entry.action == "create"
    assert entry.actor == cast.custodian
    assert entry.after["role"] == "village_operator"
    assert entry.after["region_id"] == VILLAGE_A
    assert entry.after["password"] == "set"
    assert user.password not in str(entry.after)


@pytest.mark.django_db
def test_a_change_of_role_scope_and_privileges_is_audited_before_and_after(clients, cast):
    operator = cast.operator_a
    response = clients["custodian"].post(
        f"/admin/accounts/user/{operator.pk}/change/",
        change_form(operator, region=VILLAGE_B, is_staff="on", is_active=False),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    (entry,) = [e for e in entries(operator) if e.action == "update"]
    assert entry.actor == cast.custodian
    changed = {name: (old, new) for name, old, new in entry.changes()}
    assert changed == {
        "region_id": (VILLAGE_A, VILLAGE_B),
        "is_staff": (False, True),
        "is_active": (True, False),
    }


@pytest.mark.django_db
def test_saving_an_account_unchanged_writes_no_entry(clients, cast):
    operator = cast.operator_a
    before = len(entries(operator))
    response = clients["custodian"].post(
        f"/admin/accounts/user/{operator.pk}/change/", change_form(operator)
    )
    assert response.status_code == 302
    assert len(entries(operator)) == before


@pytest.mark.django_db
def test_a_password_reset_is_recorded_as_changed_never_the_hash(clients, cast):
    operator = cast.operator_a
    old_hash = operator.password
    response = clients["custodian"].post(
        f"/admin/accounts/user/{operator.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    operator.refresh_from_db()
    (entry,) = [e for e in entries(operator) if e.action == "update"]
    assert entry.actor == cast.custodian
    assert entry.changes() == [("password", None, "changed")]
    assert old_hash not in str(entry.before) + str(entry.after)
    assert operator.password not in str(entry.before) + str(entry.after)


@pytest.mark.django_db
def test_deleting_an_account_is_audited(clients, cast):
    operator = cast.operator_b
    response = clients["custodian"].post(
        f"/admin/accounts/user/{operator.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=operator.pk).exists()
    entry = entries(operator)[-1]
    assert entry.action == "delete"
    assert entry.actor == cast.custodian
    assert entry.before["username"] == "operator.b"
    assert "password" not in entry.before


@pytest.mark.django_db
def test_deleting_agencies_one_or_several_is_audited(clients, cast):
    spare = [
        Agency.objects.create(slug=f"badan-{n}", name=f"Badan {n}", acronym=f"B{n}")
        for n in range(3)
    ]
    response = clients["custodian"].post(
        f"/admin/accounts/agency/{spare[0].pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    response = clients["custodian"].post(
        "/admin/accounts/agency/",
        {
            "action": "delete_selected",
            "_selected_action": [spare[1].pk, spare[2].pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Agency.objects.filter(pk__in=[a.pk for a in spare]).exists()
    for agency in spare:
        (entry,) = entries(agency, "accounts.agency")
        assert entry.action == "delete"
        assert entry.actor == cast.custodian
        assert entry.before["name"] == agency.name
