"""Hostile input in every public parameter: never a server error, never script echoed as HTML.

Datasets' datastore and SQL endpoints have their own deeper injection tests; this suite
sends the classic payloads to every public entry point and parameter name they read.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from satudata.core import access

SCRIPT = "<script>alert(1)</script>"
PAYLOADS = [
    "' OR '1'='1",
    "1; DROP TABLE registry_resident; --",
    "1 UNION SELECT nik, name FROM registry_resident --",
    "/* comment */ 1",
    "../../../../etc/passwd",
    "%00",
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "=cmd|' /C calc'!A0",
    "9" * 40,
    "-1",
]
PARAMETERS = [
    "q",
    "page",
    "sort",
    "order",
    "region",
    "year",
    "agency",
    "topic",
    "tag",
    "format",
    "limit",
    "offset",
    "start",
    "rows",
    "fq",
    "filters",
    "fields",
    "resource_id",
    "code",
    "kind",
    "district",
    "village",
    "level",
    "parent",
    "id",
    "next",
    "records_format",
    "sql",
    "type",
]
ENTRY_POINTS = [
    "/",
    "/regions/",
    "/data/",
    "/feedback/",
    "/feedback/track/",
    "/villages/62.01/",
    "/villages/compare/",
    "/statistics/population/62.01/",
    "/api/v1/regions",
    "/api/v1/statistics/population",
    "/api/3/action/package_search",
    "/api/3/action/package_show",
    "/api/3/action/datastore_search",
    "/api/3/action/datastore_search_sql",
    "/api/3/action/organization_show",
    "/api/3/action/resource_show",
    "/catalog.jsonld",
    "/catalog.ttl",
]


def public_path_routes():
    """Public routes with one path parameter, for path payloads."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif (
                isinstance(pattern, URLPattern)
                and getattr(pattern.callback, "access", None) == access.PUBLIC
                and "<str:" in route
            ):
                yield route

    return sorted(set(walk(get_resolver().url_patterns)))


def assert_safe(response, where: str) -> None:
    assert response.status_code < 500, f"{where} answered {response.status_code}"
    if "html" in response.get("Content-Type", ""):
        assert SCRIPT not in response.content.decode("utf-8", "replace"), f"{where} echoes script"


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_payloads_in_every_query_parameter(client, cast, entry):
    for name in PARAMETERS:
        for payload in PAYLOADS:
            response = client.get(entry, {name: payload})
            assert_safe(response, f"GET {entry}?{name}={payload!r}")


@pytest.mark.django_db
@pytest.mark.parametrize("route", public_path_routes())
def test_payloads_in_path_parameters(client, route):
    import re

    for payload in PAYLOADS:
        segment = payload.replace("/", "%2F").replace("%00", "%2500")
        path = "/" + re.sub(r"<str:[^>]+>", segment, route)
        path = re.sub(r"<[^>]+>", "1", path)
        response = client.get(path)
        assert_safe(response, f"GET {path}")
        assert b"root:x:0:0" not in response.content


@pytest.mark.django_db
def test_payloads_posted_to_the_public_feedback_form_are_shown_escaped(client):
    from satudata.feedback.models import Feedback

    response = client.post(
        "/feedback/",
        {
            "category": "complaint",
            "village": "62.01.02.2016",
            "text": SCRIPT + " jalan rusak",
            "contact": "",
            "website": "",
        },
        follow=True,
    )
    assert_safe(response, "POST /feedback/")
    item = Feedback.objects.order_by("-id").first()
    assert item is not None, "a valid message with script in its text is still stored"
    page = client.get("/feedback/track/", {"code": item.tracking_code})
    assert_safe(page, "tracking page")
    assert "&lt;script&gt;" in page.content.decode()
