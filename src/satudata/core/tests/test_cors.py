"""Anonymous reads of open data may be read by another site's browser dashboard (CORS `*`);
nothing with credentials, and no write, ever is (QA api.md #10)."""

from __future__ import annotations

import pytest

from satudata.accounts.services import create_token
from satudata.conftest import VILLAGE_A

pytestmark = pytest.mark.django_db

ORIGIN = {"HTTP_ORIGIN": "https://dashboard.provinsi.go.id"}
PUBLIC_READS = [
    "/api/v1/regions?q=natai",
    f"/api/v1/statistics/population?region={VILLAGE_A}",
    f"/api/v1/villages/{VILLAGE_A}/geojson",
    "/api/3/action/package_list",
    "/api/action/package_search?rows=0",
    "/catalog.ttl",
    "/catalog.jsonld",
]


@pytest.mark.parametrize("path", PUBLIC_READS)
def test_anonymous_public_reads_allow_any_origin(client, path):
    response = client.get(path, **ORIGIN)
    assert response.status_code == 200, response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "Authorization" in response["Vary"]
    assert client.head(path, **ORIGIN)["Access-Control-Allow-Origin"] == "*"


def test_the_preflight_of_a_read_is_answered(client):
    response = client.options("/api/v1/regions", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET", **ORIGIN)
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "POST" not in response["Access-Control-Allow-Methods"]
    assert "Authorization" not in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_the_preflight_of_a_write_gets_no_cors(client):
    response = client.options(
        "/api/v1/residents", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST", **ORIGIN
    )
    assert "Access-Control-Allow-Origin" not in response


def test_requests_with_credentials_get_no_cors(clients, cast):
    _token, raw = create_token(cast.operator_a, "t")
    anonymous = clients["anonymous"]
    for headers in ({"HTTP_AUTHORIZATION": f"Bearer {raw}"}, {"HTTP_X_CKAN_API_KEY": raw}):
        response = anonymous.get("/api/v1/residents", **headers, **ORIGIN)
        assert response.status_code == 200
        assert "Access-Control-Allow-Origin" not in response
    signed_in = clients["operator_a"].get("/api/v1/residents", **ORIGIN)
    assert signed_in.status_code == 200
    assert "Access-Control-Allow-Origin" not in signed_in
    assert "Access-Control-Allow-Origin" not in clients["operator_a"].get("/catalog.ttl", **ORIGIN)


def test_writes_and_portal_pages_get_no_cors(client):
    body = {"name": "x"}
    write = client.post("/api/v1/residents", body, "application/json", **ORIGIN)
    assert write.status_code == 401
    assert "Access-Control-Allow-Origin" not in write
    assert "Access-Control-Allow-Origin" not in client.get("/data/", **ORIGIN)
    assert "Access-Control-Allow-Origin" not in client.get("/feedback/", **ORIGIN)
