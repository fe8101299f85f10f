"""Pulling files from a local HTTP source through `satudata worker --once`."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from satudata.datasets.models import Release
from satudata.integration import services
from satudata.integration.models import ConnectorRun
from satudata.integration.tests.conftest import (
    GOOD_CSV,
    MAPPED_CSV,
    MAPPING,
    endless,
    make_connector,
    slow,
)


def work(capsys=None) -> str:
    call_command("worker", "--once")
    return capsys.readouterr().out if capsys else ""


def only_run(connector, attempt=1) -> ConnectorRun:
    return connector.runs.get(attempt=attempt)


def rows_in(release: Release) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COUNT(*) FROM "{release.table_name}"')  # noqa: S608 - ours
        return cursor.fetchone()[0]


def test_worker_pulls_a_csv_into_a_valid_release_and_logs_progress(cast, dataset, source, capsys):
    source.serve("/kunjungan.csv", GOOD_CSV)
    connector = make_connector(cast, dataset, source.url("/kunjungan.csv"))
    out = work(capsys)
    run = only_run(connector)
    assert run.status == "succeeded", run.messages
    assert run.rows == 3 and run.started_at <= run.finished_at
    assert run.messages == ["3 baris dimuat sebagai rilis 2025 v1."]
    release = run.release
    assert release.status == "valid" and release.created_by == cast.producer_a
    assert rows_in(release) == 3
    assert "SIMPUS (percobaan ke-1)" in out and "berhasil, 3 baris" in out
    assert "Pekerja selesai: 1 pekerjaan dijalankan." in out


def test_a_field_mapping_renames_the_source_columns(cast, dataset, source):
    source.serve("/simpus.csv", MAPPED_CSV)
    connector = make_connector(cast, dataset, source.url("/simpus.csv"), mapping=MAPPING)
    work()
    run = only_run(connector)
    assert run.status == "succeeded", run.messages
    assert rows_in(run.release) == 2


def test_xlsx_and_json_sources_are_pulled(cast, dataset, source):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["kode_desa", "total", "catatan"])
    sheet.append(["62.01.02.2016", 4, "x"])
    buffer = io.BytesIO()
    book.save(buffer)
    source.serve("/data.xlsx", buffer.getvalue(), content_type="application/octet-stream")
    records = [
        {"kode_wilayah": "62.01.02.2016", "jumlah": 5},
        {"kode_wilayah": "62.01.02.2012", "jumlah": 6},
    ]
    source.serve("/data.json", json.dumps(records), content_type="application/json")
    xlsx = make_connector(cast, dataset, source.url("/data.xlsx"), format="xlsx", mapping=MAPPING)
    as_json = make_connector(cast, dataset, source.url("/data.json"), format="json")
    work()
    assert only_run(xlsx).status == "succeeded", only_run(xlsx).messages
    assert only_run(xlsx).rows == 1
    assert only_run(as_json).status == "succeeded", only_run(as_json).messages
    assert only_run(as_json).rows == 2


def test_an_unchanged_source_answers_304_and_the_run_says_so(cast, dataset, source):
    source.serve("/k.csv", GOOD_CSV, headers={"ETag": '"v1"'})
    connector = make_connector(cast, dataset, source.url("/k.csv"), interval_minutes=5)
    work()
    services.request_run(cast.producer_a, connector)
    work()
    second = connector.runs.order_by("id").last()
    assert second.status == "unchanged"
    assert "tidak berubah" in second.messages[0]
    assert source.hits[-1][1].get("If-None-Match") == '"v1"'
    assert Release.objects.filter(dataset=dataset).count() == 1


def assert_nothing_loaded(dataset) -> None:
    assert not Release.objects.filter(dataset=dataset).exists()


def test_html_instead_of_csv_fails_clearly_and_is_retried_later(cast, dataset, source):
    source.serve(
        "/login", "<!DOCTYPE html><html><body>Masuk</body></html>", content_type="text/html"
    )
    connector = make_connector(cast, dataset, source.url("/login"))
    work()
    run = only_run(connector)
    assert run.status == "failed"
    assert "halaman HTML, bukan CSV" in run.messages[0]
    assert "Percobaan 1 dari 5 gagal" in run.messages[1]
    retry = only_run(connector, attempt=2)
    assert retry.status == "due" and retry.due_at == run.next_retry_at
    assert run.next_retry_at - run.finished_at == datetime.timedelta(minutes=1)
    assert_nothing_loaded(dataset)


def test_a_source_that_times_out_fails_with_the_time_limit_and_retries(cast, dataset, source):
    source.routes["/lambat.csv"] = slow(3)
    connector = make_connector(cast, dataset, source.url("/lambat.csv"), timeout_seconds=1)
    work()
    run = only_run(connector)
    assert run.status == "failed"
    assert "waktu habis setelah 1 detik" in run.messages[0]
    assert only_run(connector, attempt=2).status == "due"
    assert_nothing_loaded(dataset)


def test_a_huge_source_stops_at_the_size_limit_without_retry(cast, dataset, source):
    source.routes["/besar.csv"] = endless
    connector = make_connector(cast, dataset, source.url("/besar.csv"), max_size_mb=1)
    work()
    run = only_run(connector)
    assert run.status == "failed"
    assert run.messages == ["Sumber berisi lebih dari batas 1 MB; tidak ada yang dimuat."]
    assert run.next_retry_at is None and connector.runs.count() == 1
    assert_nothing_loaded(dataset)


def test_a_declared_huge_length_is_refused_before_downloading(cast, dataset, source):
    def route(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/csv")
        handler.send_header("Content-Length", str(10 * 1024**3))
        handler.end_headers()

    source.routes["/10gb.csv"] = route
    connector = make_connector(cast, dataset, source.url("/10gb.csv"), max_size_mb=5)
    work()
    assert "lebih dari batas 5 MB" in only_run(connector).messages[0]
    assert_nothing_loaded(dataset)


def test_changed_source_columns_are_named_and_the_data_is_kept(cast, dataset, source):
    source.serve("/k.csv", GOOD_CSV)
    connector = make_connector(cast, dataset, source.url("/k.csv"))
    work()
    first = only_run(connector).release
    source.serve("/k.csv", "kode_wilayah,jumlah,alamat\n62.01.02.2016,1,x\n")
    services.request_run(cast.producer_a, connector)
    work()
    run = connector.runs.order_by("id").last()
    assert run.status == "failed"
    assert run.messages == ["Kolom sumber berubah: hilang keterangan; baru alamat."]
    assert list(Release.objects.filter(dataset=dataset)) == [first]
    assert rows_in(first) == 3


def test_invalid_rows_name_row_and_field_and_leave_no_release(cast, dataset, source):
    source.serve("/k.csv", "kode_wilayah,jumlah,keterangan\n62.01.02.2016,dua,x\n")
    connector = make_connector(cast, dataset, source.url("/k.csv"))
    work()
    run = only_run(connector)
    assert run.status == "failed" and run.next_retry_at is None
    assert "tidak lolos validasi (1 masalah)" in run.messages[0]
    assert "Baris 2, Jumlah: 'dua' bukan bilangan bulat." in run.messages[1]
    assert_nothing_loaded(dataset)


def test_a_source_that_does_not_exist_is_an_http_error(cast, dataset, source):
    connector = make_connector(cast, dataset, source.url("/hilang.csv"))
    work()
    run = only_run(connector)
    assert run.messages == ["Sumber menjawab dengan galat HTTP 404."]
    assert run.next_retry_at is None


def test_a_failed_run_is_retried_after_its_backoff_and_then_succeeds(cast, dataset, source):
    source.serve("/k.csv", "<html>maintenance</html>", content_type="text/html")
    connector = make_connector(cast, dataset, source.url("/k.csv"))
    services.work_once()
    retry = only_run(connector, attempt=2)
    source.serve("/k.csv", GOOD_CSV)
    assert services.work_once() == []  # not due yet
    later = retry.due_at + datetime.timedelta(seconds=1)
    done = services.work_once(now=later)
    assert [r.pk for r in done] == [retry.pk]
    retry.refresh_from_db()
    assert retry.status == "succeeded" and retry.rows == 3


def test_backoff_doubles_and_is_capped():
    assert [services.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert services.backoff(30).total_seconds() == services.RETRY_CAP_SECONDS


def test_retries_stop_after_the_last_attempt(cast, dataset, source):
    source.serve("/k.csv", "<html></html>", content_type="text/html")
    connector = make_connector(cast, dataset, source.url("/k.csv"))
    far = timezone.now() + datetime.timedelta(days=1)
    for _ in range(services.MAX_ATTEMPTS + 2):
        services.work_once(now=far)
    attempts = sorted(connector.runs.values_list("attempt", flat=True))
    assert attempts == list(range(1, services.MAX_ATTEMPTS + 1))
    assert not connector.runs.filter(status="due").exists()


def test_two_workers_never_take_the_same_run(cast, dataset, source):
    connector = make_connector(cast, dataset, source.url("/k.csv"))
    services.enqueue_scheduled()
    assert services.enqueue_scheduled() == 0  # the schedule moved on: no second run
    first = services.claim_next()
    assert first is not None and first.connector == connector
    assert services.claim_next() is None


def test_the_schedule_queues_the_next_pull_after_the_interval(cast, dataset, source):
    source.serve("/k.csv", GOOD_CSV)
    connector = make_connector(cast, dataset, source.url("/k.csv"), interval_minutes=60)
    services.work_once()
    connector.refresh_from_db()
    assert connector.next_run_at > timezone.now() + datetime.timedelta(minutes=59)
    assert services.work_once() == []
    done = services.work_once(now=connector.next_run_at)
    assert len(done) == 1


def test_a_disabled_connector_is_not_scheduled(cast, dataset, source):
    connector = make_connector(cast, dataset, source.url("/k.csv"), enabled=False)
    services.work_once()
    assert not connector.runs.exists()


def test_no_temporary_files_are_left_behind(cast, dataset, source, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    source.serve("/k.csv", MAPPED_CSV)
    source.routes["/besar.csv"] = endless
    make_connector(cast, dataset, source.url("/k.csv"), mapping=MAPPING)
    make_connector(cast, dataset, source.url("/besar.csv"), max_size_mb=1)
    services.work_once()
    assert list(Path(tmp_path).iterdir()) == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x.csv"])
def test_only_http_sources_can_be_pulled(cast, dataset, url):
    from satudata.integration.fetch import SourceProblem, download

    with pytest.raises(SourceProblem, match="Hanya alamat http"):
        download(url, timeout=1, max_bytes=10)


def test_a_run_whose_worker_died_is_failed_and_retried(cast, dataset, source):
    connector = make_connector(cast, dataset, source.url("/k.csv"))
    services.enqueue_scheduled()
    run = services.claim_next()
    ConnectorRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=3)
    )
    services.request_run(cast.producer_a, connector)  # still "running": nothing new queued
    assert connector.runs.count() == 1
    services.enqueue_scheduled()
    run.refresh_from_db()
    assert run.status == "failed"
    assert (
        run.messages[0]
        == "Worker berhenti saat penarikan ini berjalan (tanpa hasil setelah 2 jam)."
    )
    assert only_run(connector, attempt=2).status == "due"
