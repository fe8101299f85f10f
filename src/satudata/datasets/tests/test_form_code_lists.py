"""The custodian creates and edits code lists in the admin site; producers then use them."""

from __future__ import annotations

import pytest

from satudata.audit.models import AuditEntry
from satudata.datasets.models import CodeList, Dataset
from satudata.datasets.tests.test_form_empty_rows import page_form, problems

pytestmark = pytest.mark.django_db

ADD = "/admin/datasets/codelist/add/"


def inline(rows: list[tuple[str, str]], initial: int = 0, ids=()) -> dict:
    data = {
        "values-TOTAL_FORMS": str(len(rows)),
        "values-INITIAL_FORMS": str(initial),
        "values-MIN_NUM_FORMS": "0",
        "values-MAX_NUM_FORMS": "1000",
    }
    for i, (code, label) in enumerate(rows):
        data.update({f"values-{i}-code": code, f"values-{i}-label": label})
        if i < len(ids):
            data[f"values-{i}-id"] = str(ids[i])
    return data


def test_custodian_creates_a_code_list_and_a_producer_uses_it(clients, cast):
    data = {"slug": "jenis-sekolah", "name": "Jenis sekolah", "description": ""}
    data.update(inline([("sd", "Sekolah dasar"), ("smp", "SMP"), ("", "")]))
    response = clients["custodian"].post(ADD, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    code_list = CodeList.objects.get(slug="jenis-sekolah")
    assert sorted(code_list.values.values_list("code", flat=True)) == ["sd", "smp"]
    logged = AuditEntry.objects.filter(actor=cast.custodian, action="create")
    assert {e.model_label for e in logged} >= {"datasets.codelist", "datasets.codevalue"}

    # Edit: rename one code, drop another; both in the history.
    sd, smp = code_list.values.order_by("code")
    data = {"slug": "jenis-sekolah", "name": "Jenis sekolah", "description": "Menurut jenjang"}
    data.update(inline([("sd", "SD/MI"), ("smp", "SMP")], initial=2, ids=[sd.pk, smp.pk]))
    data["values-1-DELETE"] = "on"
    change = f"/admin/datasets/codelist/{code_list.pk}/change/"
    assert clients["custodian"].post(change, data).status_code == 302
    assert list(code_list.values.values_list("code", "label")) == [("sd", "SD/MI")]
    assert AuditEntry.objects.filter(model_label="datasets.codevalue", action="delete").exists()
    assert AuditEntry.objects.filter(
        model_label="datasets.codevalue", object_pk=str(sd.pk), action="update"
    ).exists()

    # The producer picks it for a "code-list value" column.
    new = "/workspace/datasets/new/"
    form = page_form(clients["producer_a"], new)
    form.update({"slug": "sekolah", "title": "Sekolah", "topic": "education"})
    form.update({"fields-0-name": "jenis", "fields-0-label": "Jenis", "fields-0-type": "code"})
    form["fields-0-code_list"] = "jenis-sekolah"
    response = clients["producer_a"].post(new, form)
    assert response.status_code == 302, problems(response)
    assert Dataset.objects.get(slug="sekolah").fields.get().code_list == code_list


def test_producers_cannot_reach_the_code_list_admin(clients):
    assert clients["producer_a"].get(ADD).status_code in (302, 403)
    assert not CodeList.objects.exists()
