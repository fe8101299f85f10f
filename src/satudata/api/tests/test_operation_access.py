"""Every REST operation either needs an account (auth) or is explicitly marked public.

Operations are read from the NinjaAPI itself, so a new route that forgot both fails here;
every operation that needs an account refuses anonymous callers with 401.
"""

from __future__ import annotations

import re

import pytest

from satudata.api.api import api_v1
from satudata.conftest import VILLAGE_A
from satudata.core import access

SAMPLE_PATH_ARGS = {
    "code": VILLAGE_A,
    "unit_id": "1",
    "slug": "no-such-dataset",
    "resident_id": "1",
    "family_id": "1",
    "connector_id": "1",
    "list_id": "1",
    "resource_id": "00000000-0000-0000-0000-000000000000",
}


def operations():
    found = []
    for prefix, router in api_v1._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    route = "/api/v1" + (prefix.rstrip("/") + "/" + path.lstrip("/")).rstrip("/")
                    found.append((method, route, operation))
    return found


OPERATIONS = operations()
IDS = [f"{m} {r}" for m, r, _ in OPERATIONS]


def concrete(route: str) -> str:
    def sample(match):
        name = match.group(1).split(":")[-1]
        assert name in SAMPLE_PATH_ARGS, f"add a sample for {{{name}}} to SAMPLE_PATH_ARGS"
        return SAMPLE_PATH_ARGS[name]

    return re.sub(r"\{([^}]+)\}", sample, route)


def test_operations_are_found():
    assert len(OPERATIONS) >= 5


@pytest.mark.parametrize(("method", "route", "operation"), OPERATIONS, ids=IDS)
def test_every_operation_needs_auth_or_is_marked_public(method, route, operation):
    has_auth = bool(operation.auth_callbacks)
    is_public = getattr(operation.view_func, "access", None) == access.PUBLIC
    assert has_auth != is_public, (
        f"{method} {route}: give it auth=signed_in, or mark it @public if anyone may call it"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "route", "operation"),
    [o for o in OPERATIONS if o[2].auth_callbacks],
    ids=[i for i, o in zip(IDS, OPERATIONS, strict=True) if o[2].auth_callbacks],
)
def test_operations_with_auth_refuse_anonymous_callers(client, method, route, operation):
    response = client.generic(method, concrete(route), "{}", content_type="application/json")
    assert response.status_code == 401, f"{method} {route} answered {response.status_code}"
