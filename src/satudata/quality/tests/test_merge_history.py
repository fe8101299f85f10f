"""The kept record's own history says it was merged, and with which record (by id, not by
NIK), by whom and when (QA, tenth session: the page showed the removed record's events and
its change history said nothing of a merge)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from satudata.quality.models import Merge

from .test_merge import NIK_B, pair  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _history(client, resident) -> str:
    page = client.get(f"/registry/residents/{resident.pk}/").content.decode()
    return page.split('id="history"')[1]


def test_the_kept_record_history_names_the_merge_and_its_undo(clients, cast, pair):  # noqa: F811
    kept, removed = pair.resident_a, pair.resident_b
    merged = clients["custodian"].post(reverse("quality:merge", args=[pair.pk]), {"keep": "a"})
    assert merged.status_code == 302
    at = Merge.objects.get().at
    history = _history(clients["operator_b"], kept)  # the village's operator reads it
    line = next(li for li in history.split("<li>") if f"#{removed.pk}" in li)
    assert f"walidata: diubah (digabung dengan data #{removed.pk})" in line
    assert timezone.localtime(at).strftime("%d-%m-%Y") in line
    assert NIK_B not in history

    undone = clients["custodian"].post(reverse("quality:undo", args=[Merge.objects.get().pk]))
    assert undone.status_code == 302
    history = _history(clients["operator_b"], kept)
    assert f"walidata: diubah (penggabungan dengan data #{removed.pk} dibatalkan)" in history
