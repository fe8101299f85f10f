"""Property-based fuzzing of every REST operation from its own OpenAPI document.

Schemathesis generates valid and invalid requests for each operation in
/api/v1/openapi.json and calls the app in-process, anonymously and with a custodian's
token: no request may cause a server error, and anonymous callers never get data from an
operation that needs an account.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from satudata.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Calls go straight to the WSGI app, whose end-of-request hook would close the database
    connection holding the test's transaction (Django's test client unhooks it the same way)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def custodian_token(cast):
    from satudata.accounts.services import create_token

    return create_token(cast.custodian, "schemathesis")[1]


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_no_operation_fails_with_a_server_error(case, custodian_token):
    secured = bool(case.operation.definition.raw.get("security"))
    for headers in ({}, {"Authorization": f"Bearer {custodian_token}"}):
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error], headers=headers)
        if secured and not headers:
            if response.request.method == "OPTIONS":  # schemathesis probes methods too
                assert response.status_code == 204 and not response.content
                continue
            assert response.status_code in (400, 401, 404, 405), response.status_code
