"""Refused API input is explained in the caller's language, never in pydantic's English.

The answer keeps its shape: `detail` one sentence, `errors` one entry per field.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from satudata.conftest import VILLAGE_A
from satudata.registry.models import Resident

pytestmark = pytest.mark.django_db

GOOD = {"village": VILLAGE_A, "name": "Siti Aminah", "sex": 2, "birth_date": "1990-05-17"}
ENGLISH_OF_PYDANTIC = ("Input should", "Field required", "payload.", "Cannot parse")


def post(client, body, **extra):
    text = body if isinstance(body, str) else json.dumps(body)
    return client.post("/api/v1/residents", text, content_type="application/json", **extra)


def refused(response) -> str:
    assert response.status_code == 400, response.content
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    assert not any(english in detail for english in ENGLISH_OF_PYDANTIC), detail
    return detail


def test_a_sex_written_as_a_word_is_refused_in_indonesian(clients):
    response = post(clients["operator_a"], {**GOOD, "sex": "perempuan"})
    detail = refused(response)
    assert detail == "Permintaan tidak valid: sex: harus berupa bilangan bulat"
    assert response.json()["errors"] == [
        {"field": "sex", "message": "harus berupa bilangan bulat", "type": "int_type"}
    ]
    assert Resident.objects.count() == 0


@pytest.mark.parametrize("value", [True, "1", 1.0])
def test_a_code_must_be_a_json_number(clients, value):
    # QA 2026-11-24: `"sex": true` was stored as 1 (Python counts true as 1), and a PATCH
    # `"occupation": true` overwrote an occupation with code 1.
    response = post(clients["operator_a"], {**GOOD, "sex": value})
    assert refused(response) == "Permintaan tidak valid: sex: harus berupa bilangan bulat"
    assert Resident.objects.count() == 0


def test_a_missing_field_is_named_without_the_parameter_prefix(clients):
    body = {k: v for k, v in GOOD.items() if k != "name"}
    detail = refused(post(clients["operator_a"], body))
    assert detail == "Permintaan tidak valid: name: wajib diisi"


def test_a_day_that_does_not_exist_is_refused_in_indonesian(clients):
    detail = refused(post(clients["operator_a"], {**GOOD, "birth_date": "2000-02-30"}))
    assert detail == (
        "Permintaan tidak valid: birth_date: bukan tanggal yang valid "
        "(tulis sebagai YYYY-MM-DD, mis. 2000-02-29)"
    )


def test_several_problems_are_all_listed(clients):
    body = {"village": VILLAGE_A, "sex": "perempuan", "birth_date": "17-05-1990"}
    response = post(clients["operator_a"], body)
    detail = refused(response)
    assert "name: wajib diisi" in detail
    assert "sex: harus berupa bilangan bulat" in detail
    assert "birth_date: bukan tanggal yang valid" in detail
    assert {e["field"] for e in response.json()["errors"]} == {"name", "sex", "birth_date"}


def test_malformed_json_is_explained_in_indonesian(clients):
    response = post(clients["operator_a"], '{"name": "Siti",')
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Isi permintaan bukan JSON yang valid (baris 1, kolom 17)."
    }


def test_a_missing_body_is_named_as_the_request_body(clients):
    response = clients["operator_a"].post("/api/v1/residents", "", content_type="application/json")
    assert refused(response) == "Permintaan tidak valid: isi permintaan: wajib diisi"


def test_a_nul_character_is_refused_with_its_own_sentence(clients):
    response = post(clients["operator_a"], {**GOOD, "name": "Siti\x00"})
    assert response.status_code == 400
    assert response.json()["detail"] == "Isi permintaan berisi karakter NUL; permintaan ditolak."


def test_half_a_character_is_refused_with_its_own_sentence(clients):
    # QA 2026-11-24: a JSON "\ud800" alone (a string cut inside an emoji) reached the
    # database driver, which cannot encode it: a 500 page.
    before = Resident.objects.count()
    text = json.dumps({**GOOD, "name": "Uji"})[:-1] + ', "birth_place": "Pontianak\\ud800"}'
    response = post(clients["operator_a"], text)
    assert response.status_code == 400, response.content
    assert response.json()["detail"].startswith("Isi permintaan berisi setengah karakter")
    assert Resident.objects.count() == before


def test_a_nul_in_a_query_parameter_is_refused_on_pages_and_the_api(clients):
    # PostgreSQL cannot search with a NUL: `?q=%00` answered 500 there.
    client = clients["operator_a"]
    response = client.get("/api/v1/residents?q=Ha%00")
    assert response.status_code == 400
    assert response.json()["detail"] == ("Parameter q berisi karakter NUL; permintaan ditolak.")
    for page in ("/registry/?q=%00", "/registry/families/?q=%00"):
        response = client.get(page)
        assert response.status_code == 400
        assert "Parameter q berisi karakter NUL; permintaan ditolak." in response.content.decode()
    assert client.get("/registry/?q=Ha").status_code == 200


def test_a_missing_query_parameter_is_refused_in_indonesian(clients):
    response = clients["operator_a"].get("/api/v1/statistics/population")
    assert refused(response) == "Permintaan tidak valid: region: wajib diisi"


def test_limits_are_said_with_their_number(clients):
    response = clients["operator_a"].get("/api/v1/residents?limit=abc&offset=-5")
    detail = refused(response)
    assert "limit: harus berupa bilangan bulat" in detail
    assert "offset: harus 0 atau lebih" in detail


def test_an_english_caller_gets_english(clients):
    client = clients["operator_a"]
    response = post(client, {**GOOD, "sex": "perempuan"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["detail"] == "The request is not valid: sex: must be a whole number"
    response = post(client, "{oops", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == "The request body is not valid JSON (line 1, column 2)."
    # The portal's language switch counts for the API too.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    detail = client.get("/api/v1/statistics/population").json()["detail"]
    assert detail == "The request is not valid: region: is required"
    detail = post(client, {**GOOD, "birth_date": "2000-02-30"}).json()["detail"]
    assert detail == (
        "The request is not valid: birth_date: is not a valid date "
        "(write it as YYYY-MM-DD, e.g. 2000-02-29)"
    )


def test_a_valid_request_still_passes(clients):
    response = post(clients["operator_a"], {**GOOD, "nik": ""})
    assert response.status_code in (201, 400), response.content
    if response.status_code == 400:  # refused by the registry's rules, in Indonesian
        refused(response)
