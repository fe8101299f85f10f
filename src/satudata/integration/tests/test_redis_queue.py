"""The worker's Redis queue, against the real Redis on 127.0.0.1:6379 (skipped if none answers).

Each test uses its own key prefix, so tests running at once (and other helpers' Redis data)
never see each other's jobs.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from satudata.integration import queue, services, worker
from satudata.integration.models import ConnectorRun
from satudata.integration.tests.conftest import GOOD_CSV, make_connector
from satudata.integration.tests.redis_helpers import jobs, needs_redis, use_redis

pytestmark = needs_redis


@pytest.fixture
def redis_queue(settings):
    yield from use_redis(settings)


def later(client) -> list[tuple[str, float]]:
    return [(m.decode(), s) for m, s in client.zrange(queue.keys()[1], 0, -1, withscores=True)]


def idle_connector(cast, dataset, source):
    """A connector whose schedule is not due, so only "run now" queues a run."""
    source.serve("/kunjungan.csv", GOOD_CSV)
    connector = make_connector(cast, dataset, source.url("/kunjungan.csv"))
    connector.next_run_at = timezone.now() + datetime.timedelta(days=1)
    connector.save(update_fields=["next_run_at"])
    return connector


def test_run_now_is_pushed_to_redis_once_committed(
    cast, dataset, source, redis_queue, django_capture_on_commit_callbacks
):
    connector = idle_connector(cast, dataset, source)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_run(cast.producer_a, connector)
        assert jobs(redis_queue) == []  # not before the run's row is committed
    assert jobs(redis_queue) == [f"connector:{run.pk}"]


def test_the_worker_takes_a_pushed_run_from_redis_without_polling_the_tables(
    cast, dataset, source, redis_queue, django_capture_on_commit_callbacks, monkeypatch
):
    connector = idle_connector(cast, dataset, source)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_run(cast.producer_a, connector)

    def no_sweep(say):
        raise AssertionError("the run should have come from Redis, not from the table sweep")

    monkeypatch.setattr(worker, "_sweep", no_sweep)
    lines: list[str] = []
    loops = iter([False, True])
    worker.serve(lines.append, sleep=5, stop=lambda: next(loops))
    run.refresh_from_db()
    assert run.status == ConnectorRun.Status.SUCCEEDED and run.rows == 3
    assert lines[-1].startswith(f"Penarikan {run.pk}: berhasil, 3 baris")
    assert jobs(redis_queue) == []


def test_a_run_pushed_twice_runs_once(
    cast, dataset, source, redis_queue, django_capture_on_commit_callbacks
):
    connector = idle_connector(cast, dataset, source)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_run(cast.producer_a, connector)
        queue.push(services.KIND, run.pk)
    assert len(jobs(redis_queue)) == 2
    done = worker.work_once()
    assert [r.pk for r in done] == [run.pk]
    assert connector.runs.filter(status=ConnectorRun.Status.SUCCEEDED).count() == 1


def test_a_failed_run_waits_in_redis_until_its_backoff_is_over(
    cast, dataset, source, redis_queue, django_capture_on_commit_callbacks
):
    source.serve("/down.csv", "maintenance", status=503)
    connector = make_connector(cast, dataset, source.url("/down.csv"))
    run = ConnectorRun.objects.create(connector=connector, due_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        services.execute(services.claim(run.pk))
    first = connector.runs.get(attempt=1)
    retry = connector.runs.get(attempt=2)
    assert first.status == ConnectorRun.Status.FAILED and retry.status == ConnectorRun.Status.DUE
    # The retry is not in the list yet but in the sorted set, scored by its due time.
    assert jobs(redis_queue) == []
    [(member, score)] = later(redis_queue)
    assert member == f"connector:{retry.pk}"
    assert score == pytest.approx(retry.due_at.timestamp(), abs=1)
    assert queue.promote_due(timezone.now()) == 0  # one minute of backoff first
    assert queue.promote_due(retry.due_at + datetime.timedelta(seconds=1)) == 1
    kind, pk = queue.pop(0)
    assert (kind.name, pk) == ("connector", retry.pk)
    assert services.claim(pk) is None  # still not due by the clock
    assert services.claim(pk, now=retry.due_at).pk == retry.pk


def test_runs_nobody_pushed_are_still_run_by_the_sweep(
    cast, dataset, source, redis_queue, monkeypatch
):
    # Redis restarted empty, or the push failed: the table is the record, the sweep finds it.
    connector = idle_connector(cast, dataset, source)
    run = ConnectorRun.objects.create(connector=connector, due_at=timezone.now())
    assert jobs(redis_queue) == []
    lines: list[str] = []
    loops = iter([False, True])
    worker.serve(lines.append, sleep=1, stop=lambda: next(loops))
    run.refresh_from_db()
    assert run.status == ConnectorRun.Status.SUCCEEDED


def test_an_unreachable_redis_does_not_lose_the_run(
    cast, dataset, source, settings, django_capture_on_commit_callbacks, capsys
):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    connector = idle_connector(cast, dataset, source)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_run(cast.producer_a, connector)
    assert ConnectorRun.objects.get(pk=run.pk).status == ConnectorRun.Status.DUE
    call_command("worker", "--once")
    out = capsys.readouterr().out
    assert "Redis tidak menjawab" in out and "Pekerja selesai: 1 pekerjaan dijalankan." in out
    assert ConnectorRun.objects.get(pk=run.pk).status == ConnectorRun.Status.SUCCEEDED
