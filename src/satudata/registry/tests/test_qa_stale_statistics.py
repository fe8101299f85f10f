"""QA: an old statistics snapshot was cached as current beside fresh answers.

While the snapshot is rebuilt, `statistics._current` serves the previous one; the public page
cache stored that answer under the new data version for minutes, with an ETag claiming it
current, so `?region=62` (old: 992) and `?region=62.01` (new: 993) were served side by side
and their difference showed one new resident's religion, occupation and marital status.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings

from satudata.conftest import VILLAGE_A
from satudata.registry import statistics
from satudata.registry.tests.test_statistics_tree import register

PROVINCE = "62"
REGENCY = "62.01"
URL = "/api/v1/statistics/population"


@pytest.fixture(autouse=True)
def public_cache_on(settings):
    settings.SATUDATA_PUBLIC_CACHE_SECONDS = 30
    cache.clear()
    yield
    cache.clear()


def total(client, code: str):
    response = client.get(URL, {"region": code})
    assert response.status_code == 200
    return response, response.json()["total"]


@pytest.mark.django_db
def test_an_answer_from_the_old_snapshot_is_not_cached_under_the_new_version(client, cast):
    for i in range(5):
        register(cast, VILLAGE_A, 30 + i, 1)
    assert total(client, PROVINCE)[1] == 5
    with override_settings(SATUDATA_STATISTICS_REFRESH_SECONDS=60):
        register(cast, VILLAGE_A, 40, 2)
        # Rebuilt a moment ago: the previous snapshot answers, as documented …
        stale, figure = total(client, PROVINCE)
        assert figure == 5
    # The refresh interval has passed (here: no interval), the snapshot is rebuilt.
    assert total(client, REGENCY)[1] == 6
    # The province must follow: an old 5 beside the new 6 singles out the new resident.
    fresh, figure = total(client, PROVINCE)
    assert figure == 6
    # The old answer said it was not current: no ETag, nothing for a proxy to keep.
    assert "ETag" not in stale
    assert "public" not in stale.get("Cache-Control", "")
    assert "no-cache" in stale["Cache-Control"]
    assert fresh["ETag"] and "public" in fresh["Cache-Control"]
    # The fresh answer is the one cached.
    assert (
        client.get(URL, {"region": PROVINCE}, HTTP_IF_NONE_MATCH=fresh["ETag"]).status_code == 304
    )


@pytest.mark.django_db
def test_the_village_page_from_the_old_snapshot_is_not_cached_either(client, cast):
    for i in range(5):
        register(cast, VILLAGE_A, 30 + i, 1)
    client.get(f"/villages/{VILLAGE_A}/")
    with override_settings(SATUDATA_STATISTICS_REFRESH_SECONDS=60):
        register(cast, VILLAGE_A, 40, 2)
        stale = client.get(f"/villages/{VILLAGE_A}/")
        assert stale.status_code == 200
        assert "ETag" not in stale
    fresh = client.get(f"/villages/{VILLAGE_A}/")
    assert fresh["ETag"]
    assert fresh.content != stale.content  # the new resident counted, not the old page


@pytest.mark.django_db
def test_a_snapshot_rebuilt_before_the_write_commits_is_not_current_after_it(cast):
    """A rebuild between a write's `changed()` and its commit read the data without it."""
    register(cast, VILLAGE_A, 30, 1)
    with override_settings(SATUDATA_STATISTICS_REFRESH_SECONDS=0):
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
            statistics.changed()
        statistics.population_summary(VILLAGE_A)  # rebuilt with the write's first token
        built = statistics._snapshot["now"]["generation"]
        for callback in callbacks:
            callback()  # the write commits
    assert cache.get(statistics.GENERATION_KEY) != built


@pytest.mark.django_db
def test_a_write_committed_by_another_process_is_seen_without_a_shared_cache(
    client, cast, django_capture_on_commit_callbacks
):
    """Without Redis each process has its own cache: a web worker did not learn of an import
    committed by `satudata worker`, and served its old snapshot, cached as current, for up to
    5 minutes. The write here is made as another process makes it: committed, and this
    process's cache token left as it was."""
    for i in range(5):
        register(cast, VILLAGE_A, 30 + i, 1)
    assert total(client, REGENCY)[1] == 5
    token = cache.get(statistics.GENERATION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        register(cast, VILLAGE_A, 40, 2)
    cache.set(statistics.GENERATION_KEY, token, None)  # this process's cache never saw it
    fresh, figure = total(client, REGENCY)
    assert figure == 6
    assert total(client, PROVINCE)[1] == 6
