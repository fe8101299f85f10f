"""A double tap: the second send waits for the first one's outcome and answers the same."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from satudata.core import once
from satudata.core.models import SentForm

pytestmark = pytest.mark.django_db
TOKEN = "0123456789abcdef0123456789abcdef"


def second_send():
    return RequestFactory().post("/registry/residents/new/", {once.FIELD: TOKEN})


def test_the_second_send_gets_the_firsts_result_once_it_is_saved(monkeypatch):
    first = SentForm.objects.create(token=TOKEN)
    # While the second send waits, the first one finishes and records where it led.
    monkeypatch.setattr(
        once.time,
        "sleep",
        lambda _s: SentForm.objects.filter(pk=first.pk).update(result_url="/registry/residents/7/"),
    )
    answer = once.claim(second_send())
    assert isinstance(answer, SentForm) and answer.result_url == "/registry/residents/7/"


def test_the_second_send_is_checked_itself_when_the_first_was_refused(monkeypatch):
    first = SentForm.objects.create(token=TOKEN)
    # The first send was refused: it released its claim while the second waited.
    monkeypatch.setattr(
        once.time, "sleep", lambda _s: SentForm.objects.filter(pk=first.pk).delete()
    )
    answer = once.claim(second_send())
    assert isinstance(answer, once.Claim)  # this send goes through the form's checks
    assert SentForm.objects.filter(token=TOKEN).exists()


def test_a_first_send_that_never_ends_gives_up_waiting(monkeypatch):
    SentForm.objects.create(token=TOKEN)
    clock = iter(range(0, 1000, 5))
    monkeypatch.setattr(once.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(once.time, "sleep", lambda _s: None)
    answer = once.claim(second_send())
    assert isinstance(answer, SentForm) and answer.result_url == ""
