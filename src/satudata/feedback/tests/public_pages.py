"""What the public sees of a citizen's message and its answer, and the checks each pass over
feedback.privacy runs on its examples: public_text itself, then the tracking page, the
tracking API and the village page."""

from __future__ import annotations

import re
from typing import ClassVar

import pytest
from django.test import Client

from satudata.conftest import VILLAGE_A
from satudata.feedback.models import Feedback
from satudata.feedback.privacy import public_text


def shown_publicly(clients, text: str, reply: str) -> list[str]:
    """The message and its reply as the tracking page, the tracking API and the village page
    show them, after a citizen sent the message and the village's operator answered it."""
    citizen = clients["anonymous"]
    sent = citizen.post("/feedback/", {"category": "complaint", "village": VILLAGE_A, "text": text})
    assert sent.status_code == 302
    item = Feedback.objects.get()
    assert item.text == text  # the handler reads the message as sent
    answered = clients["operator_a"].post(f"/feedback/{item.pk}/reply/", {"text": reply})
    assert answered.status_code == 302
    assert item.replies.get().text == reply

    code = item.tracking_code
    tracking = citizen.get("/feedback/track/", {"code": code}).content.decode()
    body = citizen.get(f"/api/v1/feedback/track/{code}").json()
    village = Client().get(f"/villages/{VILLAGE_A}/").content.decode()
    shown = [body["text"], body["replies"][0]["text"]]
    for page in (tracking, village):
        shown.append(re.search(r"<p>(Pesan warga: .*?)</p>", page, re.S).group(1))
        shown.append(re.search(r"(Balasan desa: .*?)</", page, re.S).group(1))
    return shown


class PublicTextExamples:
    """A pass's examples: MASKED pairs what a citizen writes with what the public sees of it,
    KEPT_AS_IS is ordinary text shown as written. Each is checked on public_text, then sent as
    a message and as its answer and read on the three public places."""

    MASKED: ClassVar[list[tuple[str, str]]]
    KEPT_AS_IS: ClassVar[list[str]]
    # A masked example (as sent, as shown) to read the ordinary text beside, five phrases at a
    # time (the village page shows a message's first 300 characters); without one, each
    # phrase is sent alone.
    KEPT_BESIDE: ClassVar[tuple[str, str] | None] = None

    @classmethod
    def kept_on_the_pages(cls) -> list[tuple[str, str]]:
        if cls.KEPT_BESIDE is None:
            return [(text, text) for text in cls.KEPT_AS_IS]
        sent, shown = cls.KEPT_BESIDE
        groups = ["; ".join(cls.KEPT_AS_IS[i : i + 5]) for i in range(0, len(cls.KEPT_AS_IS), 5)]
        return [(f"{kept}; {sent}", f"{kept}; {shown}") for kept in groups]

    def pytest_generate_tests(self, metafunc):
        for name, cases in (("masked", self.MASKED), ("kept", self.kept_on_the_pages())):
            if name in metafunc.fixturenames:
                metafunc.parametrize(name, cases, ids=[text for text, _ in cases])

    def test_the_examples_are_masked_and_ordinary_text_is_not(self):
        for text, shown in self.MASKED:
            assert public_text(text) == shown, text
        for text in self.KEPT_AS_IS:
            assert public_text(text) == text

    @pytest.mark.django_db
    def test_the_public_pages_mask_them(self, clients, masked):
        self._assert_shown_as(clients, *masked)

    @pytest.mark.django_db
    def test_the_public_pages_keep_ordinary_text_whole(self, clients, kept):
        self._assert_shown_as(clients, *kept)

    @staticmethod
    def _assert_shown_as(clients, text: str, expected: str) -> None:
        shown = shown_publicly(clients, f"Pesan warga: {text}", f"Balasan desa: {text}")
        assert shown == [f"Pesan warga: {expected}", f"Balasan desa: {expected}"] * 3
