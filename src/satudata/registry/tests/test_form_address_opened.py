"""Pages in the language the user chose (language QA): a form's address opened with GET (the
language switch after a refused event form) shows a page, not a blank 405; the resident form
names sex in that language."""

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


def test_the_resident_form_names_sex_in_the_ui_language(clients):
    """The code list's "Laki-laki" stood on the English form while the resident's page said
    "Male" (language QA)."""
    client = clients["operator_a"]
    assert "1 – Laki-laki" in client.get("/registry/residents/new/").content.decode()
    client.get("/lang/en/?next=/")
    english = client.get("/registry/residents/new/").content.decode()
    assert "1 – Male" in english and "2 – Female" in english and "Laki-laki" not in english
