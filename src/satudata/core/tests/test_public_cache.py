"""Public answers are cached with an ETag and dropped as soon as any data changes."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from satudata.conftest import VILLAGE_A
from satudata.regions.models import Region
from satudata.regions.services import add_local_unit


@pytest.fixture(autouse=True)
def cache_on(settings):
    from django.core.cache import cache

    settings.SATUDATA_PUBLIC_CACHE_SECONDS = 30
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_a_repeated_public_page_is_served_from_the_cache(client):
    first = client.get(f"/regions/{VILLAGE_A}/")
    assert first["ETag"] and "public" in first["Cache-Control"]
    with CaptureQueriesContext(connection) as queries:
        second = client.get(f"/regions/{VILLAGE_A}/")
    assert second.content == first.content
    assert len(queries) == 1  # only the data-version lookup


@pytest.mark.django_db
def test_browsers_revalidate_with_if_none_match(client):
    etag = client.get("/api/v1/regions/6112")["ETag"]
    response = client.get("/api/v1/regions/6112", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304


@pytest.mark.django_db
def test_a_change_to_the_data_shows_at_once(client, cast):
    before = client.get(f"/regions/{VILLAGE_A}/")
    add_local_unit(cast.operator_a, Region.objects.get(code=VILLAGE_A), "hamlet", "Dusun Baru")
    after = client.get(f"/regions/{VILLAGE_A}/")
    assert "Dusun Baru" in after.content.decode()
    assert after["ETag"] != before["ETag"]
    assert (
        client.get(f"/regions/{VILLAGE_A}/", HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200
    )


@pytest.mark.django_db
def test_logged_in_and_token_requests_are_never_cached(clients, cast):
    assert "ETag" not in clients["operator_a"].get(f"/regions/{VILLAGE_A}/")
    from satudata.accounts.services import create_token

    _token, raw = create_token(cast.operator_a, "t")
    assert "ETag" not in clients["anonymous"].get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.django_db
def test_pages_that_set_cookies_are_not_cached(client):
    # The login form sets the CSRF cookie: a cached copy would hand one visitor's token to all.
    assert "ETag" not in client.get("/accounts/login/")
    assert "ETag" not in client.get("/lang/en/")


@pytest.mark.django_db
def test_a_page_with_a_form_is_never_shared_between_visitors(cast):
    """The feedback form holds the visitor's CSRF token: a copy from the cache gave the next
    citizen someone else's token, and their message was refused (403)."""
    from django.test import Client

    first = Client(enforce_csrf_checks=True)
    first.get("/accounts/login/")  # a returning visitor: already has a CSRF cookie
    page = first.get("/feedback/")
    second = Client(enforce_csrf_checks=True)
    form = second.get("/feedback/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    answer = second.post(
        "/feedback/",
        {
            "category": "suggestion",
            "village": VILLAGE_A,
            "text": "Mohon lampu jalan di RT 003 diperbaiki.",
            "csrfmiddlewaretoken": token,
        },
    )
    assert answer.status_code in (200, 302)
    assert "no-store" in page["Cache-Control"] and "public" not in page["Cache-Control"]
    from satudata.feedback.models import Feedback

    assert Feedback.objects.count() == 1
