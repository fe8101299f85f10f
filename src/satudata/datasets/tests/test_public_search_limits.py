"""Public catalog and CKAN API hardening (ninth session): word and clause caps, the time
limit on public reads, parameter types, NUL characters and JSON 404s under /api/3/."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from satudata.core import deadline
from satudata.datasets import search as catalog_search
from satudata.datasets.models import Release
from satudata.datasets.tests.conftest import published

pytestmark = pytest.mark.django_db

CKAN = "/api/3/action/"
NONSENSE = "zzqa zzqb zzqc zzqd zzqe zzqf zzqg zzqh zzqi zzqj"


@pytest.fixture
def public_dataset(cast, dataset, tmp_path):
    return published(cast, dataset, tmp_path)


def post_json(client, name, body):
    return client.post(CKAN + name, json.dumps(body), content_type="application/json")


def test_only_the_first_eight_words_are_searched_and_the_page_says_so(client, public_dataset):
    # The first 8 distinct words find the dataset; the later ones would find nothing.
    words = "fasilitas kesehatan per desa fasil keseh de pe kesehatan " + NONSENSE
    page = client.get("/data/", {"q": words}, HTTP_ACCEPT_LANGUAGE="id")
    assert page.status_code == 200
    assert public_dataset.title in page.content.decode()
    assert "Hanya 8 kata pertama yang dicari" in page.content.decode()
    assert "zzqa" in page.content.decode()

    body = client.get(CKAN + "package_search", {"q": words}).json()
    assert body["result"]["count"] == 1
    assert "zzqa zzqb" in body["result"]["warnings"][0]
    short = client.get(CKAN + "package_search", {"q": "kesehatan"}).json()["result"]
    assert "warnings" not in short


def test_more_than_twenty_fq_clauses_are_refused_in_the_callers_language(client):
    clauses = [f"tags:t{i}" for i in range(catalog_search.MAX_CLAUSES + 1)]
    repeated = client.get(CKAN + "package_search", {"fq": clauses}, HTTP_ACCEPT_LANGUAGE="id")
    assert repeated.status_code == 409
    error = repeated.json()["error"]
    assert repeated.json()["success"] is False
    assert error["__type"] == "Validation Error"
    assert "paling banyak 20 syarat" in error["fq"][0]
    one = client.get(CKAN + "package_search", {"fq": " ".join(clauses)})
    assert one.status_code == 409 and "20" in one.json()["error"]["fq"][0]
    grouped = client.get(
        CKAN + "package_search", {"fq": "tags:(" + " OR ".join(f"t{i}" for i in range(21)) + ")"}
    )
    assert grouped.status_code == 409
    in_q = client.get(CKAN + "package_search", {"q": " ".join(clauses)})
    assert in_q.status_code == 409 and "q" in in_q.json()["error"]
    allowed = client.get(CKAN + "package_search", {"fq": clauses[:20]})
    assert allowed.status_code == 200


def test_the_portal_says_a_search_with_too_many_conditions_is_refused(client):
    query = " ".join(f"tags:t{i}" for i in range(21))
    page = client.get("/data/", {"q": query}, HTTP_ACCEPT_LANGUAGE="id")
    assert page.status_code == 200
    assert "paling banyak 20 syarat" in page.content.decode()


SLOW = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) "
    "SELECT count(*) FROM c"
)


@pytest.fixture
def slow_search(monkeypatch):
    """A search that would run for minutes, stopped by a 0.2 s limit."""

    def endless(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute(SLOW)
        raise AssertionError("the time limit did not stop the statement")

    monkeypatch.setattr(deadline, "PUBLIC_READ_SECONDS", 0.2)
    monkeypatch.setattr(catalog_search, "search", endless)


def test_a_public_read_past_the_time_limit_is_a_503_asking_for_a_shorter_search(
    client, slow_search
):
    api = client.get(CKAN + "package_search", {"q": "x"}, HTTP_ACCEPT_LANGUAGE="id")
    assert api.status_code == 503
    assert api.json()["success"] is False
    assert "Coba pencarian yang lebih pendek" in api.json()["error"]["message"]
    page = client.get("/data/", {"q": "x"}, HTTP_ACCEPT_LANGUAGE="id")
    assert page.status_code == 503
    assert "Coba pencarian yang lebih pendek" in page.content.decode()
    # The connection is usable afterwards, and the limit is gone.
    assert client.get(CKAN + "status_show").status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        "sort=a&sort=b",
        "q=a&q=b",
    ],
)
def test_repeated_parameters_are_a_validation_error_naming_them(client, params):
    response = client.get(CKAN + "package_search?" + params)
    assert response.status_code == 409
    body = response.json()
    assert body["success"] is False and body["error"]["__type"] == "Validation Error"
    assert params.split("=")[0] in body["error"]


@pytest.mark.parametrize("sort", [1, ["a"], {"a": 1}, True, 1.5])
def test_a_json_parameter_of_the_wrong_type_is_a_validation_error(client, sort):
    response = post_json(client, "package_search", {"sort": sort})
    assert response.status_code == 409, response.content
    assert "sort" in response.json()["error"]


@pytest.mark.parametrize("rows", [True, 1.5])
def test_a_number_given_as_true_a_fraction_or_a_list_is_refused(client, rows):
    assert post_json(client, "package_search", {"rows": rows}).status_code == 409


def test_a_datastore_offset_past_a_bigint_is_a_validation_error(client, public_dataset):
    resource_id = str(Release.objects.get(dataset=public_dataset).uuid)
    response = client.get(
        CKAN + "datastore_search",
        {"resource_id": resource_id, "offset": "9223372036854775808"},
    )
    assert response.status_code == 409, response.content
    assert "offset" in response.json()["error"]


@pytest.mark.parametrize(
    "name, body",
    [
        ("package_show", {"id": "a\x00b"}),
        ("organization_show", {"id": "a\x00b"}),
        ("tag_list", {"query": "a\x00b"}),
        ("datastore_search", {"resource_id": "x", "q": "a\x00b"}),
        ("package_search", {"fq": ["tags:a", "tags:a\x00b"]}),
        ("package_search", {"filters": {"a\x00": 1}}),
    ],
)
def test_a_nul_in_a_json_body_is_a_400_in_ckans_envelope(client, name, body):
    response = post_json(client, name, body)
    assert response.status_code == 400, response.content
    assert response.json()["success"] is False
    assert "NUL" in response.json()["error"]["message"]
    # An escaped backslash before "u0000" is not a NUL: the action answers as usual.
    assert post_json(client, "package_show", {"id": "a\\u0000b"}).status_code == 404


def test_a_nul_in_a_form_body_is_a_400(client):
    form = "application/x-www-form-urlencoded"
    response = client.post(CKAN + "package_show", "id=a%00b", content_type=form)
    assert response.status_code == 400
    assert response.json()["success"] is False
    # A multipart form reaches the action, which refuses it too.
    response = client.post(CKAN + "package_show", {"id": "a\x00b"})
    assert response.status_code == 400
    assert "NUL" in response.json()["error"]["message"]
    # Form-encoded JSON (curl -d '{…}'): CKAN's actions read it as JSON.
    response = client.post(
        CKAN + "package_show",
        '{"id": "a\\u0000b"}',
        content_type=form,
    )
    assert response.status_code == 400


def test_a_nul_in_the_path_is_a_400(client):
    response = client.get("/api/v1/feedback/track/%00")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    assert client.get("/data/%00/").status_code == 400


@pytest.mark.parametrize(
    "path",
    ["/api/3/action/package_list/", "/api/3/action/a/b", "/api/3/", "/api/action/a/b"],
)
def test_addresses_under_api_3_that_are_not_actions_are_ckans_json_404(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["success"] is False and body["error"]["__type"] == "Not Found Error"
    assert "/api/3/action/" in body["error"]["message"]
