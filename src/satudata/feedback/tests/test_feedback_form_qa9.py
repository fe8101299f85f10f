"""The feedback form after the ninth session's QA of the public surface: an unknown village
is named as such, and a message with nothing visible in it is refused."""

import pytest

from satudata.conftest import VILLAGE_A
from satudata.feedback.models import Feedback, Reply

pytestmark = pytest.mark.django_db


def send(client, **extra):
    data = {"category": "complaint", "village": VILLAGE_A, "text": "Jalan rusak di RT 003."}
    data.update(extra)
    return client.post("/feedback/", data)


@pytest.mark.parametrize("code", ["31.71.01.1001", "61.12.99.9999"])
def test_an_unknown_village_is_named_not_told_to_choose_one(client, code):
    response = send(client, village=code)
    page = response.content.decode()
    assert response.status_code == 400
    assert f"Tidak ada desa di kabupaten ini dengan kode {code}." in page
    assert "salah satu saja" not in page  # the visitor did pick exactly one
    assert Feedback.objects.count() == 0


@pytest.mark.parametrize("text", ["\u200b\u200b\u200b", " \u200c\u200d \ufeff\n", "\u2060"])
def test_a_message_of_invisible_characters_is_refused(client, text):
    response = send(client, text=text)
    assert response.status_code == 400
    assert "Tulis pesan Anda dengan huruf atau angka." in response.content.decode()
    assert Feedback.objects.count() == 0


def test_a_message_with_a_zero_width_space_inside_words_is_kept(client):
    assert send(client, text="Jalan\u200brusak").status_code == 302
    assert Feedback.objects.get().text == "Jalan\u200brusak"


def test_an_invisible_reply_is_refused(client, clients):
    assert send(client).status_code == 302
    feedback = Feedback.objects.get()
    answer = clients["operator_a"].post(
        f"/feedback/{feedback.pk}/reply/", {"text": "\u200b \u200b"}
    )
    assert answer.status_code == 400
    assert "Tulis pesan Anda dengan huruf atau angka." in answer.content.decode()
    assert Reply.objects.count() == 0
