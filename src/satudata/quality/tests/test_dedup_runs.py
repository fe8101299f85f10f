"""The duplicates page's "Search for duplicates now": queued, run by the worker, then shown."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from satudata.integration import worker
from satudata.integration.tests.redis_helpers import jobs, needs_redis, use_redis
from satudata.quality import linkage
from satudata.quality.models import CandidatePair, DedupRun
from satudata.registry.models import Resident

from .helpers import populate

SEARCH = reverse("quality:search")
PAGE = reverse("quality:duplicates")


def test_custodian_queues_a_search_and_the_worker_fills_the_page(clients):
    populate(800, 0.03)
    custodian = clients["custodian"]
    before = custodian.get(PAGE).content.decode()
    assert "Cari duplikat sekarang" in before and 'http-equiv="refresh"' not in before

    assert custodian.post(SEARCH).status_code == 302
    job = DedupRun.objects.get()
    assert job.status == DedupRun.Status.DUE and job.requested_by.username == "walidata"
    waiting = custodian.get(PAGE).content.decode()
    assert "<strong>menunggu pekerja latar</strong>" in waiting  # waiting for the worker
    assert 'http-equiv="refresh"' in waiting and "Cari duplikat sekarang" not in waiting

    call_command("worker", "--once")
    job.refresh_from_db()
    assert job.status == DedupRun.Status.SUCCEEDED, job.message
    assert (
        job.residents == Resident.objects.count() and job.pairs == CandidatePair.objects.count() > 0
    )
    assert job.started_at <= job.finished_at and job.stage == "saving"
    done = custodian.get(PAGE).content.decode()
    assert "<strong>selesai</strong>" in done and f"{job.pairs} pasangan kandidat" in done
    assert 'http-equiv="refresh"' not in done and "Cari duplikat sekarang" in done
    pair = CandidatePair.objects.first()
    assert pair.resident_a.name in done  # the candidate pairs are listed


def test_asking_again_while_a_search_waits_queues_nothing_more(clients):
    clients["custodian"].post(SEARCH)
    clients["custodian"].post(SEARCH)
    assert DedupRun.objects.count() == 1


@pytest.mark.parametrize("who", ["producer_a", "operator_a", "district_viewer"])
def test_only_the_custodian_may_search_for_duplicates(clients, who):
    assert clients[who].post(SEARCH).status_code == 403
    assert clients["anonymous"].post(SEARCH).status_code == 302
    assert clients["custodian"].get(SEARCH).status_code == 405  # a search is only ever POSTed
    assert not DedupRun.objects.exists()


def test_a_failing_search_is_recorded_and_shown(clients, monkeypatch):
    populate(100, 0.0)

    def broken(rows, threshold):
        raise RuntimeError("duckdb out of memory")

    monkeypatch.setattr(linkage, "link", broken)
    clients["custodian"].post(SEARCH)
    call_command("worker", "--once")
    job = DedupRun.objects.get()
    assert job.status == DedupRun.Status.FAILED and job.stage == "comparing"
    page = clients["custodian"].get(PAGE).content.decode()
    assert "<strong>gagal</strong>" in page and "galat internal" in page
    assert "duckdb" not in page  # details go to the log, not to the page


@pytest.fixture
def redis_queue(settings):
    yield from use_redis(settings)


@needs_redis
def test_with_redis_the_search_is_pushed_and_the_worker_takes_it_from_there(
    clients, redis_queue, django_capture_on_commit_callbacks, monkeypatch
):
    populate(400, 0.03)
    with django_capture_on_commit_callbacks(execute=True):
        clients["custodian"].post(SEARCH)
    job = DedupRun.objects.get()
    assert jobs(redis_queue) == [f"dedup:{job.pk}"]

    def no_sweep(say):
        raise AssertionError("the search should come from Redis, not from the table sweep")

    monkeypatch.setattr(worker, "_sweep", no_sweep)
    loops = iter([False, True])
    worker.serve(sleep=5, stop=lambda: next(loops))
    job.refresh_from_db()
    assert job.status == DedupRun.Status.SUCCEEDED and job.pairs > 0
    assert jobs(redis_queue) == []
