"""Every page route declares who may call it (core.access), and answers accordingly.

Routes are found from the URL configuration, so a new view without a classification fails
here. Path parameters take sample values by name from SAMPLE_ARGS; a new parameter name
needs a sample, which keeps this test honest as the project grows.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from satudata.conftest import VILLAGE_A
from satudata.core import access

# Served by Django or django-ninja themselves, each with its own permission handling.
EXTERNAL_PREFIXES = ("admin/", "i18n/", "api/")

SAMPLE_ARGS = {
    "code": VILLAGE_A,
    "unit_id": "1",
    "token_id": "1",
    "model_label": "regions.localunit",
    "object_pk": "1",
    "slug": "no-such-dataset",
    "resource_id": "00000000-0000-0000-0000-000000000000",
    "fmt": "csv",
    "agency": "no-such-agency",
    "resident_id": "1",
    "family_id": "1",
    "job_id": "1",
    "feedback_id": "1",
    "letter_id": "1",
    "layer_id": "1",
    "entry_id": "1",
    "connector_id": "1",
    "pair_id": "1",
    "merge_id": "1",
    "list_id": "1",
    "conflict_id": "1",
}


def page_routes():
    """(route, callback) for every URL pattern outside EXTERNAL_PREFIXES."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(EXTERNAL_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route, pattern.callback

    return list(walk(get_resolver().url_patterns))


def concrete_path(route: str) -> str:
    path = "/" + route
    for name, value in SAMPLE_ARGS.items():
        for converter in ("str", "int", "slug", "path", "uuid"):
            path = path.replace(f"<{converter}:{name}>", value)
        path = path.replace(f"<{name}>", value)
    assert "<" not in path, f"add a sample for the parameter in {route} to SAMPLE_ARGS"
    return path


ROUTES = page_routes()


def test_routes_are_found():
    assert len(ROUTES) > 10


@pytest.mark.parametrize(("route", "callback"), ROUTES, ids=[r for r, _ in ROUTES])
def test_every_page_route_is_classified(route, callback):
    kind = getattr(callback, "access", None)
    assert kind in {access.PUBLIC, access.LOGIN, access.SCOPED, access.ROLE}, (
        f"/{route} has no access classification; wrap its view in satudata.core.access"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "callback"), ROUTES, ids=[r for r, _ in ROUTES])
def test_anonymous_visitors_are_sent_to_login_from_non_public_routes(route, callback, client):
    path = concrete_path(route)
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        if callback.access == access.PUBLIC:
            assert response.status_code != 403, f"{method.upper()} {path}"
        else:
            assert response.status_code == 302, f"{method.upper()} {path}"
            assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "callback"),
    [(r, c) for r, c in ROUTES if c.access == access.ROLE],
    ids=[r for r, c in ROUTES if c.access == access.ROLE],
)
def test_role_routes_refuse_every_other_role(route, callback, clients, cast):
    path = concrete_path(route)
    for name, user in cast.members().items():
        if user is None:
            continue
        allowed = user.is_custodian or user.role in callback.access_roles
        status = clients[name].get(path).status_code
        if allowed:
            assert status != 403, f"{name} GET {path}"
        else:
            assert status == 403, f"{name} GET {path}"
