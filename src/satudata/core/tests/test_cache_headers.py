"""What shared caches (a CDN, an office proxy) are told: a public copy varies on every
credential, and API answers to a signed-in user or token are kept by no cache at all
(QA api.md #10)."""

from __future__ import annotations

import pytest

from satudata.accounts.services import create_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings):
    from django.core.cache import cache

    settings.SATUDATA_PUBLIC_CACHE_SECONDS = 30
    cache.clear()
    yield
    cache.clear()


def varies_on(response) -> set[str]:
    return {name.strip().lower() for name in response["Vary"].split(",")}


@pytest.mark.parametrize("path", ["/api/3/action/package_search?rows=0", "/api/v1/regions/6112"])
def test_a_public_cached_answer_varies_on_every_credential(client, path):
    first = client.get(path)
    assert "public" in first["Cache-Control"]
    assert {"cookie", "authorization", "x-ckan-api-key"} <= varies_on(first)
    again = client.get(path)  # the copy from the server's cache says the same
    assert {"cookie", "authorization", "x-ckan-api-key"} <= varies_on(again)
    not_modified = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304
    assert "authorization" in varies_on(not_modified)


def test_personal_data_to_a_token_is_private_and_not_stored(client, cast):
    _token, raw = create_token(cast.operator_a, "t")
    response = client.get("/api/v1/residents", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= control
    assert "public" not in control


def test_a_keyed_harvester_gets_a_private_answer(client, cast):
    _token, raw = create_token(cast.producer_a, "t")
    response = client.get("/api/3/action/package_search?rows=0", HTTP_X_CKAN_API_KEY=raw)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "ETag" not in response


def test_a_browser_session_on_the_api_is_private_too(clients):
    response = clients["operator_a"].get("/api/v1/residents")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/registry/", "/registry/export/?village=62.01.02.2016"])
def test_signed_in_pages_and_files_are_kept_by_no_cache(clients, path):
    """A shared village PC's browser, or an office proxy, must not keep a page of residents
    or an export after the operator logs out."""
    response = clients["operator_a"].get(path)
    assert response.status_code == 200
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= control
    # The same public page to an anonymous visitor stays cacheable.
    assert "no-store" not in clients["anonymous"].get("/").get("Cache-Control", "")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/registry/?q=6201022607730001", 302),  # to the login page, `next=` holds the NIK
        ("/registry/families/?q=6201020101200011", 302),
        ("/api/v1/residents?q=6201022607730001", 401),
    ],
)
def test_a_refusal_to_a_visitor_is_kept_by_no_cache(client, path, status):
    """No credentials, so not marked as a signed-in answer; but it answers for a page of
    personal data, and the redirect repeats the NIK typed (QA of the third session)."""
    response = client.get(path)
    assert response.status_code == status
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "typed",
    [
        "6201022607730001",
        "6201 0226 0773 0001",
        "6201_0226_0773_0001",
        "6201/0226/0773/0001",
        "6201..022607730001",
        "\uff16201022607730001",  # a full-width first digit
    ],
)
def test_a_public_search_for_a_nik_is_not_cached(client, typed):
    response = client.get("/regions/", {"q": typed})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert "ETag" not in response
    ordinary = client.get("/regions/", {"q": "6201022016"})  # a village code stays public
    assert "public" in ordinary["Cache-Control"]


def test_a_public_api_answer_in_the_callers_language_varies_on_it(client):
    """QA: Accept-Language changes the API's text ("Economy" / "Ekonomi") while the public
    copy did not say so, so a shared cache could serve one language to the other's callers."""
    path = "/api/3/action/group_list?all_fields=true"
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    indonesian = client.get(path, HTTP_ACCEPT_LANGUAGE="id")
    assert english.content != indonesian.content and "public" in english["Cache-Control"]
    again = client.get(path, HTTP_ACCEPT_LANGUAGE="en")  # the server's stored copy
    not_modified = client.get(path, HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=english["ETag"])
    assert not_modified.status_code == 304
    for answer in (english, indonesian, again, not_modified):
        assert "accept-language" in varies_on(answer)
    # The portal's pages speak Indonesian whatever the browser asks: no need to vary.
    assert "accept-language" not in varies_on(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))
