"""Producers' connector pages: who may see, create, run and edit; the run log on screen."""

from __future__ import annotations

import pytest

from satudata.audit.models import AuditEntry
from satudata.integration import services
from satudata.integration.models import Connector, ConnectorRun
from satudata.integration.tests.conftest import CONNECTOR_FORM, GOOD_CSV, make_connector

FORM = {**CONNECTOR_FORM, "mapping_text": "kode_desa = kode_wilayah\nTotal = jumlah"}


@pytest.mark.parametrize(
    "who, status",
    [("producer_a", 200), ("custodian", 200), ("operator_a", 403), ("district_viewer", 403)],
)
def test_only_producers_and_the_custodian_open_the_connector_pages(clients, who, status):
    assert clients[who].get("/workspace/connectors/").status_code == status
    assert clients[who].get("/workspace/connectors/new/").status_code == status


def test_anonymous_visitors_are_sent_to_log_in(clients):
    response = clients["anonymous"].get("/workspace/connectors/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_producer_creates_a_connector_with_a_mapping_and_it_is_audited(clients, dataset):
    response = clients["producer_a"].post(
        "/workspace/connectors/new/", {**FORM, "dataset": dataset.pk}
    )
    connector = Connector.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/workspace/connectors/{connector.pk}/"
    assert connector.mapping == {"kode_desa": "kode_wilayah", "total": "jumlah"}
    assert connector.owner.username == "produsen.a" and connector.agency.slug == "dinkes"
    assert AuditEntry.objects.filter(model_label="integration.connector", action="create").exists()


def test_a_bad_mapping_line_is_explained_and_nothing_is_saved(clients, dataset):
    bad = {**FORM, "dataset": dataset.pk, "mapping_text": "kode_desa kode_wilayah"}
    response = clients["producer_a"].post("/workspace/connectors/new/", bad)
    assert response.status_code == 200
    assert "Baris 1: tulis kolom sumber = kolom dataset." in response.content.decode()
    unknown = {**FORM, "dataset": dataset.pk, "mapping_text": "a = tidak_ada"}
    response = clients["producer_a"].post("/workspace/connectors/new/", unknown)
    assert "Dataset tidak memiliki kolom tidak_ada." in response.content.decode()
    assert not Connector.objects.exists()


def test_a_producer_cannot_target_another_agencys_dataset(clients, dataset):
    response = clients["producer_b"].post(
        "/workspace/connectors/new/", {**FORM, "dataset": dataset.pk}
    )
    assert response.status_code == 200  # the dataset is not among the choices
    assert not Connector.objects.exists()


def test_the_run_log_shows_runs_to_the_agency_and_the_custodian_only(
    cast, clients, dataset, source
):
    source.serve("/k.csv", "<html>x</html>", content_type="text/html")
    connector = make_connector(cast, dataset, source.url("/k.csv"))
    services.work_once()
    page = f"/workspace/connectors/{connector.pk}/"
    for who in ("producer_a", "custodian"):
        body = clients[who].get(page).content.decode()
        assert "halaman HTML, bukan CSV" in body and "Percobaan 1 dari 5 gagal" in body
    assert clients["producer_b"].get(page).status_code == 404
    assert clients["producer_b"].get("/workspace/connectors/").content.decode().count("SIMPUS") == 0
    assert "SIMPUS" in clients["custodian"].get("/workspace/connectors/").content.decode()


def test_run_now_queues_a_run_and_the_worker_loads_it(cast, clients, dataset, source):
    source.serve("/k.csv", GOOD_CSV)
    connector = make_connector(cast, dataset, source.url("/k.csv"))
    ConnectorRun.objects.all().delete()
    connector.next_run_at = None
    connector.save()
    assert (
        clients["producer_b"].post(f"/workspace/connectors/{connector.pk}/run/").status_code == 404
    )
    assert (
        clients["producer_a"].get(f"/workspace/connectors/{connector.pk}/run/").status_code == 405
    )
    response = clients["producer_a"].post(f"/workspace/connectors/{connector.pk}/run/")
    assert response.status_code == 302
    assert connector.runs.get().status == "due"
    services.work_once()
    assert connector.runs.get().status == "succeeded"


def test_editing_the_source_forgets_the_old_etag_and_deleting_is_soft(
    cast, clients, dataset, source
):
    connector = make_connector(cast, dataset, source.url("/k.csv"))
    Connector.objects.filter(pk=connector.pk).update(etag='"v1"', source_columns=["a"])
    form = {**FORM, "dataset": dataset.pk, "url": source.url("/baru.csv"), "mapping_text": ""}
    response = clients["producer_a"].post(f"/workspace/connectors/{connector.pk}/edit/", form)
    assert response.status_code == 302
    connector.refresh_from_db()
    assert connector.etag == "" and connector.source_columns == []
    assert (
        clients["producer_b"].post(f"/workspace/connectors/{connector.pk}/edit/", form).status_code
        == 404
    )
    clients["producer_a"].post(f"/workspace/connectors/{connector.pk}/delete/")
    assert not Connector.objects.exists() and Connector.all_objects.count() == 1


def test_no_personal_data_reaches_the_worker_log_lines(cast, dataset, source, capsys):
    """A failed row's value (could be a NIK) is in the scoped run log, never in the log line."""
    from django.core.management import call_command

    nik = "6201020101900001"
    source.serve("/k.csv", f"kode_wilayah,jumlah,keterangan\n{nik},1,x\n")
    connector = make_connector(cast, dataset, source.url("/k.csv"))
    call_command("worker", "--once")
    out = capsys.readouterr().out
    assert "gagal" in out and nik not in out
    assert any(nik in m for m in connector.runs.get().messages)
