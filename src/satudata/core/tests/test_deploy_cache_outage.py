"""A Redis that stops answering makes the portal slower, not broken; /healthz says so."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache

from satudata.core import cachebackend
from satudata.core.tests.test_deploy_checks import closed_port


@pytest.fixture
def redis_down(settings):
    cachebackend.outage.down = False
    cachebackend.outage.down_until = 0.0
    settings.CACHES = {
        "default": {
            "BACKEND": "satudata.core.cachebackend.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    settings.SATUDATA_PUBLIC_CACHE_SECONDS = 30  # the public page cache is on, as in production
    yield
    cachebackend.outage.down = False


@pytest.mark.django_db
def test_public_pages_answer_without_redis_with_one_warning(client, redis_down, caplog):
    caplog.set_level(logging.WARNING, logger="satudata.cache")
    for path in ["/", "/", "/api/v1/regions?q=natai"]:
        assert client.get(path).status_code == 200, path
    warnings = [r for r in caplog.records if r.name == "satudata.cache"]
    assert len(warnings) == 1
    assert "Cache (Redis) unreachable" in warnings[0].getMessage()
    assert "natai" not in warnings[0].getMessage()  # keys (URLs, queries) are not logged


def test_every_cache_operation_is_a_miss_or_nothing(redis_down):
    cache.set("k", 1)
    assert cache.get("k", "default") == "default"
    assert cache.get_or_set("g", 0) == 0
    assert cache.add("k", 1) is False
    assert cache.get_many(["k"]) == {}
    assert cache.delete("k") is False
    with pytest.raises(ValueError):  # as for a counter not in the cache: callers handle it
        cache.incr("g")


@pytest.mark.django_db
def test_healthz_reports_the_cache_as_degraded_but_still_answers(client, redis_down):
    response = client.get("/healthz")
    assert response.status_code == 200  # the portal serves; a balancer keeps it in
    assert response.json() == {"status": "degraded", "cache": "unreachable"}


@pytest.mark.django_db
def test_healthz_is_ok_without_redis_configured(client):
    assert client.get("/healthz").json() == {"status": "ok"}
