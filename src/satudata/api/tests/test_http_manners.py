"""HTTP under /api/v1/ speaks JSON to programs: unknown paths, trailing slashes and wrong
methods; HEAD and OPTIONS answer; a body's problems name it with a stable machine name
(QA api.md #10 and #11)."""

from __future__ import annotations

import pytest

from satudata.registry.models import Resident

pytestmark = pytest.mark.django_db


def test_an_unknown_path_is_a_json_404(client):
    response = client.get("/api/v1/nope")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Alamat API ini tidak ada."}


def test_a_trailing_slash_is_a_json_404_naming_the_right_path(client):
    response = client.get("/api/v1/regions/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "This API path does not exist; did you mean /api/v1/regions (without the slash)?"
    }


def test_a_wrong_method_is_a_json_405_with_allow(clients):
    response = clients["operator_a"].delete("/api/v1/residents/1")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS, PATCH"
    assert response.json()["detail"].startswith("Metode DELETE tidak diizinkan di sini")


def test_head_answers_like_get_without_a_body(client):
    get = client.get("/api/v1/status")
    head = client.head("/api/v1/status")
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(get.content))
    assert head["Content-Type"] == get["Content-Type"]


def test_head_on_a_route_that_needs_an_account_is_refused_like_get(client):
    response = client.head("/api/v1/residents")
    assert response.status_code == 401
    assert response.content == b""


def test_options_lists_the_allowed_methods(client):
    response = client.options("/api/v1/regions")
    assert response.status_code == 204
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_a_missing_body_is_named_body_for_programs(clients):
    for language, label in (("id", "isi permintaan"), ("en", "request body")):
        response = clients["operator_a"].post(
            "/api/v1/residents", "", "application/json", HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 400
        (problem,) = response.json()["errors"]
        assert problem["field"] == "body"
        assert f"{label}: " in response.json()["detail"]  # people still read their language


def test_a_body_that_is_not_an_object_is_named_body(clients):
    response = clients["operator_a"].post("/api/v1/residents", "[1, 2]", "application/json")
    assert response.status_code == 400
    (problem,) = response.json()["errors"]
    assert problem["field"] == "body"
    assert problem["message"] == "harus berupa objek JSON"
    assert Resident.objects.count() == 0
