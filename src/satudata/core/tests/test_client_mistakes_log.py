"""A request refused for what the client sent is one WARNING line in the log, not a security
ERROR with a traceback that any client could repeat to flood the log (QA, fifth session)."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_api_body_over_the_size_limit_logs_one_warning_line(settings, clients, caplog):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5 << 19  # 2.5 MB, Django's default
    client = clients["operator_a"]
    client.raise_request_exception = False
    body = '{"name": "' + "x" * (3 << 20) + '"}'
    with caplog.at_level(logging.INFO):
        response = client.post("/api/v1/residents", body, content_type="application/json")
    assert response.status_code == 400 and "lebih besar dari batas" in response.json()["detail"]
    logged = [r for r in caplog.records if r.name.startswith("django.security")]
    assert [(r.levelname, r.exc_info) for r in logged] == [("WARNING", None)]
    assert logged[0].getMessage() == (
        "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE. (POST /api/v1/residents)"
    )
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "Traceback" not in caplog.text


def test_a_form_with_too_many_fields_logs_one_warning_line(settings, caplog):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        response = client.post("/feedback/", {f"f{i}": "x" for i in range(20)})
    assert response.status_code == 400
    logged = [r for r in caplog.records if r.name.startswith("django.security")]
    assert [(r.name, r.levelname) for r in logged] == [
        ("django.security.TooManyFieldsSent", "WARNING")
    ]
    assert "Traceback" not in caplog.text
