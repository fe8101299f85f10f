"""ApiTokenMiddleware: how a bad or revoked token is refused on API v1 and on CKAN's paths."""

import pytest
from django.test import Client

from satudata.accounts.services import create_token, revoke_token


@pytest.mark.django_db
def test_api_v1_answers_a_bad_token_401_naming_the_bearer_scheme(cast):
    token, raw = create_token(cast.operator_a, "lama")
    revoke_token(cast.operator_a, token.pk)
    for header in (f"Bearer {raw}", "Bearer sd_made_up", "sd_made_up"):
        response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401
        assert response.json()["detail"]
        assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'
        assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_ckan_paths_answer_a_bad_token_in_ckans_envelope(cast):
    token, raw = create_token(cast.producer_a, "harvester")
    revoke_token(cast.producer_a, token.pk)
    for path in ("/api/3/action/package_list", "/api/action/status_show"):
        response = Client().get(path, HTTP_AUTHORIZATION=raw)
        assert response.status_code == 403
        body = response.json()
        assert body["success"] is False
        assert body["error"]["__type"] == "Authorization Error"
