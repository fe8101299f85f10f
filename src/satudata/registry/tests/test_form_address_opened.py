"""A form's address opened with GET (the language switch after a refused event form) shows a
page in the chosen language, not a blank 405 (language QA)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", ["event", "correct"])
def test_switching_language_after_a_refused_form_shows_a_page(clients, household, action):
    _family, head, _wife, _daughter = household
    client = clients["operator_a"]
    address = f"/registry/residents/{head.pk}/{action}/"
    switched = client.get(f"/lang/en/?next={address}", follow=True)
    assert switched.status_code == 405
    page = switched.content.decode()
    assert "This address takes a sent form" in page
    assert f'href="/registry/residents/{head.pk}/"' in page
    client.get("/lang/id/?next=/")
    indonesian = client.get(address).content.decode()
    assert "Alamat ini menerima formulir yang dikirim" in indonesian
    assert "Tidak ada yang diubah" in indonesian


def test_the_api_keeps_its_json_405(clients):
    answer = clients["operator_a"].get("/api/v1/move-ins")
    assert answer.status_code == 405
    assert answer["Content-Type"].startswith("application/json")
