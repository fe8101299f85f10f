"""Operator pages, web import, export and the public chart: who may, who may not, no leaks."""

from __future__ import annotations

import csv
import datetime
import html
import io
import os
import re
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from satudata.audit.models import AuditEntry
from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.regions.models import Region
from satudata.registry import jobs, services
from satudata.registry.exporter import OPENSID_HEADER
from satudata.registry.models import ImportJob, LifeEvent, NikConflict, Resident
from satudata.registry.synthetic import Generator, opensid_rows
from satudata.registry.tests.helpers import resident_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(cast):
    village = Region.objects.get(code=VILLAGE_A)
    return services.register_resident(cast.operator_a, village, resident_data())


def form_data(**overrides):
    data = resident_data(**overrides)
    data["birth_date"] = data["birth_date"].isoformat()
    return {**data, "citizenship": 1, "village": VILLAGE_A}


def test_operator_searches_own_village_only(clients, person):
    page = clients["operator_a"].get("/registry/?q=siti")
    assert person.nik in page.content.decode()
    other = clients["operator_b"].get("/registry/?q=siti")
    assert person.nik not in other.content.decode()
    assert clients["operator_b"].get(f"/registry/residents/{person.pk}/").status_code == 404
    assert clients["producer_a"].get(f"/registry/residents/{person.pk}/").status_code == 404
    assert clients["district_viewer"].get(f"/registry/residents/{person.pk}/").status_code == 200


def test_the_village_column_is_shown_only_to_accounts_that_see_several(clients, person):
    for url in ("/registry/", "/registry/families/"):
        own = clients["operator_a"].get(url).content.decode()
        assert "<th>Desa</th>" not in own and "<th>RT</th>" in own
        district = clients["district_viewer"].get(url).content.decode()
        assert "<th>Desa</th>" in district
    row = clients["district_viewer"].get("/registry/?q=siti").content.decode()
    assert f'<td data-label="Desa">{person.village.name}</td>' in row


def test_operator_registers_through_the_form(clients):
    response = clients["operator_a"].post("/registry/residents/new/", form_data())
    assert response.status_code == 302
    assert Resident.objects.get().name == "Siti Aminah"


def test_form_shows_indonesian_errors_and_saves_nothing(clients):
    response = clients["operator_a"].post(
        "/registry/residents/new/", form_data(nik="6201021705900001")
    )
    assert response.status_code == 200
    assert "NIK: digit 7–8 (17) menunjukkan laki-laki" in response.content.decode()
    assert Resident.objects.count() == 0


def test_operator_cannot_register_or_edit_in_another_village(clients, person):
    assert (
        clients["operator_b"].get(f"/registry/residents/new/?village={VILLAGE_A}").status_code
        == 403
    )
    assert (
        clients["operator_b"]
        .post(f"/registry/residents/{person.pk}/edit/", form_data(name="X"))
        .status_code
        == 404
    )
    assert (
        clients["district_viewer"].get(f"/registry/residents/{person.pk}/edit/").status_code == 403
    )
    person.refresh_from_db()
    assert person.name == "Siti Aminah"


def test_edit_and_death_through_the_pages(clients, person):
    client = clients["operator_a"]
    data = form_data(name="Siti Aminah Putri", nik=person.nik)
    response = client.post(f"/registry/residents/{person.pk}/edit/", {**data, "version": 1})
    assert response.status_code == 302
    stale = client.post(f"/registry/residents/{person.pk}/edit/", {**data, "version": 1})
    assert "Orang lain sudah mengubah" in stale.content.decode()
    client.post(
        f"/registry/residents/{person.pk}/event/",
        {"confirm": "on", "kind": "death", "date": "2026-02-01"},
    )
    person.refresh_from_db()
    assert person.status == Resident.Status.DEAD and person.name == "Siti Aminah Putri"
    assert person.events.filter(kind=LifeEvent.Kind.DEATH).exists()
    page = client.get(f"/registry/residents/{person.pk}/").content.decode()
    assert "kematian" in page


def error_cells(page: str) -> list[list[str]]:
    """The job page's error table, row by row, as text."""
    cell = r'<td data-label="[^"]*">(.*?)</td>'
    return [[html.unescape(c) for c in row] for row in re.findall(cell * 4, page)]


def post_import(client, capture, rows: list, mode: str, name: str = "warga.csv"):
    """Upload OpenSID rows through the import form; the job runs when the request commits
    (SATUDATA_IMPORT_INLINE). Returns the response, a redirect to the job's page."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([OPENSID_HEADER, *rows])
    upload = SimpleUploadedFile(name, buffer.getvalue().encode())
    with capture(execute=True):
        return client.post("/registry/import/", {"file": upload, "mode": mode, "village": ""})


def test_web_import_runs_as_a_job_and_shows_the_result(
    clients, settings, django_capture_on_commit_callbacks
):
    settings.SATUDATA_IMPORT_INLINE = True
    rows = list(opensid_rows(Generator(3).families([VILLAGE_A], 8)))
    rows[0][6] = "12"
    response = post_import(
        clients["operator_a"], django_capture_on_commit_callbacks, rows, "all-or-nothing"
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.state == "done" and job.rejected == 1 and not job.committed
    page = clients["operator_a"].get(response["Location"]).content.decode()
    assert "Tidak ada yang disimpan" in page and "Tidak berubah: 0" in page
    # Nothing was saved, so the valid rows are counted as what would have been added.
    assert f"Akan ditambah: {job.added}" in page and "Ditambah:" not in page
    # The error is on the page itself: row, column, value and message.
    assert "<h2>Kesalahan</h2>" in page
    assert [cells[:3] for cells in error_cells(page)] == [["2", "nik", "12"]]
    assert error_cells(page)[0][3].startswith("NIK: harus 16 digit")
    errors = clients["operator_a"].get(f"/registry/import/{job.pk}/errors.csv")
    body = b"".join(errors.streaming_content).decode("utf-8-sig")
    assert "NIK: harus 16 digit" in body
    assert clients["operator_b"].get(f"/registry/import/{job.pk}/").status_code == 404
    assert Resident.objects.count() == 0


def test_the_job_page_shows_the_first_twenty_errors_and_the_file_has_all(
    clients, settings, django_capture_on_commit_callbacks
):
    settings.SATUDATA_IMPORT_INLINE = True
    rows = list(opensid_rows(Generator(4).families([VILLAGE_A], 30)))[:25]
    for number, row in enumerate(rows):
        row[OPENSID_HEADER.index("nama")] = ""
        row[OPENSID_HEADER.index("nik")] = f"x{number:02d}"
    response = post_import(
        clients["operator_a"], django_capture_on_commit_callbacks, rows, "valid-only"
    )
    job = ImportJob.objects.get()
    assert job.rejected == 25 and job.committed
    page = clients["operator_a"].get(response["Location"]).content.decode()
    assert "20 kesalahan pertama" in page and "Ditambah: 0" in page
    errors = clients["operator_a"].get(f"/registry/import/{job.pk}/errors.csv")
    lines = list(csv.reader(io.StringIO(b"".join(errors.streaming_content).decode("utf-8-sig"))))
    assert len(lines) - 1 > 20  # the header, then every error
    assert error_cells(page) == lines[1:21]


def test_a_web_import_keeps_no_copy_of_the_upload_and_forgets_old_error_files(
    clients, settings, django_capture_on_commit_callbacks
):
    settings.SATUDATA_IMPORT_INLINE = True
    rows = list(opensid_rows(Generator(6).families([VILLAGE_A], 4)))
    rows[0][OPENSID_HEADER.index("nik")] = "12"

    def upload(name: str, rows: list) -> ImportJob:
        capture = django_capture_on_commit_callbacks
        post_import(clients["operator_a"], capture, rows, "valid-only", name)
        return ImportJob.objects.get(file_name=name)

    first = upload("pertama.csv", rows)
    assert first.rejected == 1 and first.committed
    # The upload (every resident of the file) and the progress file are gone; the error
    # file stays for the operator to correct the row.
    assert not Path(first.path).exists()
    assert not Path(first.path).with_suffix(".progress.json").exists()
    assert Path(first.error_path).exists()
    errors_file = Path(first.error_path)

    ImportJob.objects.filter(pk=first.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=31)
    )
    upload("kedua.csv", rows[1:])  # the next job to start sweeps the old error files
    first.refresh_from_db()
    assert first.error_path == "" and not errors_file.exists()
    page = clients["operator_a"].get(f"/registry/import/{first.pk}/").content.decode()
    assert "Berkas kesalahan sudah dihapus 30 hari setelah impor" in page
    assert clients["operator_a"].get(f"/registry/import/{first.pk}/errors.csv").status_code == 404


def abandoned_job(cast, tmp_path, seconds_ago: int, **fields) -> ImportJob:
    """A job left running by a process that touched its progress file `seconds_ago`."""
    upload = tmp_path / "warga.csv"
    upload.write_text("nik\n6201024102900001\n")
    job = ImportJob.objects.create(
        file_name="warga.csv",
        path=str(upload),
        village_id=VILLAGE_A,
        state=ImportJob.State.RUNNING,
        actor=cast.operator_a,
        **fields,
    )
    progress = jobs.progress_path(job)
    progress.write_text('{"done": 10, "total": 100, "rows": 1}')
    os.utime(progress, (time.time() - seconds_ago,) * 2)
    return job


def test_a_job_whose_process_died_is_ended_and_says_nothing_was_saved(cast, clients, tmp_path):
    job = abandoned_job(cast, tmp_path, seconds_ago=jobs.ABANDONED_AFTER + 60)
    page = clients["operator_a"].get(f"/registry/import/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and job.finished_at is not None
    assert "Proses impor berhenti sebelum selesai" in page and "tidak ada yang disimpan" in page
    assert 'http-equiv="refresh"' not in page  # the page stops polling
    assert "<progress" not in page  # no "0 %" for a file whose progress died with it
    assert not Path(job.path).exists() and not jobs.progress_path(job).exists()


def test_the_import_page_lists_a_dead_job_as_failed(cast, clients, tmp_path):
    job = abandoned_job(cast, tmp_path, seconds_ago=jobs.ABANDONED_AFTER + 60)
    page = clients["operator_a"].get("/registry/import/").content.decode()
    assert re.search(r"warga\.csv</a> — [^<]*— gagal</li>", page)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED


def test_a_job_that_committed_before_its_process_died_is_done(cast, clients, tmp_path):
    job = abandoned_job(cast, tmp_path, seconds_ago=jobs.ABANDONED_AFTER + 60, committed=True)
    page = clients["operator_a"].get(f"/registry/import/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and "Perubahan telah disimpan" in page


def test_a_job_with_a_recent_heartbeat_is_still_running(cast, clients, tmp_path):
    job = abandoned_job(cast, tmp_path, seconds_ago=jobs.HEARTBEAT_SECONDS)
    page = clients["operator_a"].get(f"/registry/import/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert job.state == ImportJob.State.RUNNING and 'http-equiv="refresh"' in page
    assert Path(job.path).exists()


def test_a_job_that_ended_meanwhile_is_left_as_it_ended(cast, tmp_path):
    seen = abandoned_job(cast, tmp_path, seconds_ago=jobs.ABANDONED_AFTER + 60)
    ImportJob.objects.filter(pk=seen.pk).update(state=ImportJob.State.DONE, rows=4, added=4)
    ended = jobs.fail_if_abandoned(seen)  # still holds "running", read before the job ended
    assert ended.state == ImportJob.State.DONE and ended.message == "" and ended.added == 4


def test_the_heartbeat_touches_the_progress_file_while_the_import_runs(tmp_path):
    beating = tmp_path / "job.progress.json"
    with jobs.Heartbeat(beating, every=0.02):
        os.utime(beating, (0, 0))  # as if the last sign of life were long ago
        deadline = time.monotonic() + 10
        while beating.stat().st_mtime == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert beating.stat().st_mtime > time.time() - 60


def test_web_import_into_another_village_is_refused(clients, settings):
    settings.SATUDATA_IMPORT_INLINE = True
    upload = SimpleUploadedFile("w.csv", b"nik\n1\n")
    response = clients["operator_a"].post(
        "/registry/import/", {"file": upload, "mode": "valid-only", "village": VILLAGE_B}
    )
    assert response.status_code == 403
    assert clients["producer_a"].get("/registry/import/").status_code == 403


def test_an_operator_imports_into_its_own_village_without_typing_its_code(
    clients, settings, django_capture_on_commit_callbacks
):
    """OpenSID's own export has no kode_desa column: the operator's village is the file's."""
    settings.SATUDATA_IMPORT_INLINE = True
    page = clients["operator_a"].get("/registry/import/").content.decode()
    assert "Natai Raya (62.01.02.2016)" in page and 'name="village"' not in page
    custodian = clients["custodian"].get("/registry/import/").content.decode()
    assert 'name="village"' in custodian  # the custodian names the village (or kode_desa)
    rows = [row[:-1] for row in opensid_rows(Generator(8).families([VILLAGE_A], 5))]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([OPENSID_HEADER[:-1], *rows])  # without kode_desa
    upload = SimpleUploadedFile("warga.csv", buffer.getvalue().encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["operator_a"].post(
            "/registry/import/", {"file": upload, "mode": "all-or-nothing"}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.village_id == VILLAGE_A
    assert job.committed and job.added == len(rows)
    assert set(Resident.objects.values_list("village_id", flat=True)) == {VILLAGE_A}


def test_export_is_scoped_and_reimportable(clients, person, caplog):
    caplog.set_level("INFO", logger="satudata.registry")
    response = clients["operator_a"].get(f"/registry/export/?village={VILLAGE_A}")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    # Who exported which village is logged; nothing of the residents is.
    logged = [r.getMessage() for r in caplog.records if "exported" in r.getMessage()]
    assert logged == [f"residents exported: village {VILLAGE_A}, unit -, by operator.a"]
    assert person.nik not in caplog.text and person.name not in caplog.text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [*OPENSID_HEADER, "cacat_id"]  # OpenSID's template, plus disability
    assert rows[1][OPENSID_HEADER.index("nik")] == person.nik
    assert clients["operator_b"].get(f"/registry/export/?village={VILLAGE_A}").status_code == 404
    assert clients["producer_a"].get(f"/registry/export/?village={VILLAGE_A}").status_code == 404
    xlsx = clients["operator_a"].get(f"/registry/export/?village={VILLAGE_A}&type=xlsx")
    assert xlsx.content[:2] == b"PK"


def test_the_custodian_sees_who_exported_which_village(clients, person):
    clients["operator_a"].get(f"/registry/export/?village={VILLAGE_A}&type=xlsx")
    clients["operator_a"].get(f"/registry/export/?village={VILLAGE_A}&format=satudata")
    clients["operator_b"].get(f"/registry/export/?village={VILLAGE_A}")  # refused: 404
    entries = AuditEntry.objects.filter(action="export").order_by("id")
    assert {(e.actor_label, e.region_code, e.model_label) for e in entries} == {
        ("operator.a", VILLAGE_A, "regions.region")
    }
    assert [e.after for e in entries] == [
        {"area": "", "format": "opensid", "file": "xlsx", "residents": 1},
        {"area": "", "format": "satudata", "file": "csv", "residents": 1},
    ]
    page = clients["custodian"].get("/audit/?action=export").content.decode()
    assert page.count("operator.a") == 2 and "Natai Raya" in page and "1 penduduk" in page
    assert person.nik not in page and person.name not in page
    village_history = clients["custodian"].get(f"/audit/record/regions.region/{VILLAGE_A}/")
    assert "diekspor ·" in village_history.content.decode()
    assert clients["operator_a"].get("/audit/?action=export").status_code == 403


def test_conflicts_page_is_for_the_custodian(clients, cast, person):
    village_b = Region.objects.get(code=VILLAGE_B)
    with pytest.raises(Exception):  # noqa: B017 - ValidationError, checked by message below
        services.register_resident(cast.operator_b, village_b, resident_data(nik=person.nik))
    assert NikConflict.objects.count() == 1
    page = clients["custodian"].get("/registry/conflicts/").content.decode()
    assert "Runtu" in page and "Natai Raya" in page
    assert cast.operator_b.username in page and "formulir atau API" in page
    assert clients["operator_a"].get("/registry/conflicts/").status_code == 403


def test_the_custodian_closes_a_conflict_settled_elsewhere(clients, cast, person):
    village_b = Region.objects.get(code=VILLAGE_B)
    with pytest.raises(Exception):  # noqa: B017 - the refusal itself is tested above
        services.register_resident(cast.operator_b, village_b, resident_data(nik=person.nik))
    conflict = NikConflict.objects.get()
    url = f"/registry/conflicts/{conflict.pk}/resolve/"
    assert clients["operator_a"].post(url).status_code == 403
    assert clients["custodian"].get(url).status_code == 405  # a change is a POST
    conflict.refresh_from_db()
    assert not conflict.resolved

    response = clients["custodian"].post(url, follow=True)
    page = response.content.decode()
    assert f"Konflik NIK {person.nik} ditutup." in page
    assert "Tidak ada konflik." in page  # the open list is empty now
    conflict.refresh_from_db()
    assert conflict.resolved
    entry = AuditEntry.objects.filter(model_label="registry.nikconflict").get()
    assert entry.after["resolved"] is True and entry.actor == cast.custodian
    closed = clients["custodian"].get("/registry/conflicts/?all=1").content.decode()
    assert person.nik in closed and "ditutup" in closed


def test_the_conflict_list_pages(clients, cast, person):
    for n in range(51):
        NikConflict.objects.create(
            nik=f"{n:016d}", village_id=VILLAGE_B, holder_village_id=VILLAGE_A, source="import"
        )
    first = clients["custodian"].get("/registry/conflicts/").content.decode()
    assert "?page=2" in first and first.count(">impor</td>") == 50
    second = clients["custodian"].get("/registry/conflicts/?page=2").content.decode()
    assert second.count(">impor</td>") == 1


def test_public_chart_page_has_no_personal_data(clients, person):
    page = clients["anonymous"].get("/statistics/population/62.01.02/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text and "<strong>*</strong>" in text  # one resident: withheld
    for value in (
        person.nik,
        person.name,
        person.birth_date.strftime("%d-%m-%Y"),
        person.birth_date.isoformat(),
    ):
        assert value not in text
    assert "<script>" not in text  # the chart needs no JavaScript
    assert clients["anonymous"].get("/statistics/population/99.99/").status_code == 404


def test_move_in_moves_the_one_record(cast, person):
    village_b = Region.objects.get(code=VILLAGE_B)
    with pytest.raises(ValidationError, match="belum mencatat kepindahan keluar"):
        services.record_move_in(cast.operator_b, village_b, person.nik)
    services.record_move_out(cast.operator_a, person, None, "Runtu")
    moved = services.record_move_in(cast.operator_b, village_b, person.nik)
    assert moved.pk == person.pk and moved.village_id == VILLAGE_B
    assert Resident.objects.count() == 1
    assert [e.kind for e in moved.events.order_by("id")] == ["registered", "move_out", "move_in"]


def test_birth_family_split_and_change_of_head(cast):
    import datetime

    village = Region.objects.get(code=VILLAGE_A)
    family = services.register_family(cast.operator_a, village, "6201020101200011")
    head = services.register_resident(
        cast.operator_a, village, resident_data(sex=1, name="Budi"), family=family
    )
    wife = services.register_resident(
        cast.operator_a, village, resident_data(relationship=3), family=family
    )
    baby = services.record_birth(
        cast.operator_a,
        family,
        resident_data(sex=1, birth_date=datetime.date(2026, 1, 5), name="Bayi", relationship=4),
    )
    assert baby.events.get().kind == LifeEvent.Kind.BIRTH and baby.family_id == family.pk
    services.change_head(cast.operator_a, family, wife, old_head_relationship=2)
    head.refresh_from_db()
    wife.refresh_from_db()
    assert (head.relationship, wife.relationship) == (2, 1)
    new = services.split_family(cast.operator_a, family, [baby], "6201020101200012", baby)
    baby.refresh_from_db()
    assert baby.family_id == new.pk and baby.relationship == 1
    with pytest.raises(Exception, match="tidak boleh"):
        services.change_head(cast.operator_b, family, head)


def test_a_web_import_failing_unexpectedly_says_so_in_indonesian(
    clients, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.SATUDATA_IMPORT_INLINE = True

    def broken(path, **options):
        raise OSError("No space left on device\nsecond line")

    monkeypatch.setattr("satudata.registry.importer.run_import", broken)
    upload = SimpleUploadedFile("warga.csv", b"nik\n1\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["operator_a"].post(
            "/registry/import/", {"file": upload, "mode": "all-or-nothing", "village": ""}
        )
    job = ImportJob.objects.get()
    assert job.state == "failed"
    assert job.message == (
        "Impor berhenti karena galat yang tidak terduga; tidak ada yang disimpan "
        "(No space left on device)."
    )
    page = clients["operator_a"].get(response["Location"]).content.decode()
    assert "galat yang tidak terduga" in page


@pytest.fixture
def placed(cast):
    """Village A: a hamlet with an RW and two RTs; one resident in each RT, one unplaced."""
    from satudata.regions.services import add_local_unit

    village = Region.objects.get(code=VILLAGE_A)
    hamlet = add_local_unit(cast.operator_a, village, "hamlet", "Dusun Mawar")
    rw = add_local_unit(cast.operator_a, village, "rw", "001", hamlet.pk)
    rts = [add_local_unit(cast.operator_a, village, "rt", f"00{n}", rw.pk) for n in (1, 2)]
    people = [
        services.register_resident(
            cast.operator_a, village, resident_data(name=f"Warga {n}"), unit=unit
        )
        for n, unit in enumerate([*rts, None])
    ]
    return hamlet, rts, people


def exported_niks(response) -> set[str]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    column = rows[0].index("nik")
    return {row[column] for row in rows[1:]}


def test_the_export_page_offers_the_village_its_areas_formats_and_files(clients, placed):
    hamlet, rts, people = placed
    page = clients["operator_a"].get("/registry/export/").content.decode()
    assert f'name="village" value="{VILLAGE_A}"' in page
    assert 'name="for"' not in page  # one village: nothing to choose
    assert f'<option value="{rts[1].pk}">Dusun Mawar / RW 001 / RT 002</option>' in page
    assert 'value="opensid" checked' in page and 'value="xlsx"' in page
    # What the form sends: the whole hamlet holds both RTs' residents, an RT only its own.
    whole = clients["operator_a"].get(f"/registry/export/?village={VILLAGE_A}&rt=&format=opensid")
    assert exported_niks(whole) == {p.nik for p in people}
    in_hamlet = clients["operator_a"].get(f"/registry/export/?village={VILLAGE_A}&rt={hamlet.pk}")
    assert exported_niks(in_hamlet) == {people[0].nik, people[1].nik}
    in_rt = clients["operator_a"].get(f"/registry/export/?village={VILLAGE_A}&rt={rts[1].pk}")
    assert exported_niks(in_rt) == {people[1].nik}
    assert "dusun-mawar-rw-001-rt-002" in in_rt["Content-Disposition"]


def test_an_export_area_must_be_one_of_the_villages_own(clients, cast, placed):
    hamlet, rts, people = placed
    village_b = Region.objects.get(code=VILLAGE_B)
    from satudata.regions.services import add_local_unit

    elsewhere = add_local_unit(cast.operator_b, village_b, "hamlet", "Dusun Lain")
    for unit in ("abc", "99999", str(elsewhere.pk), "-1"):
        response = clients["operator_a"].get(f"/registry/export/?village={VILLAGE_A}&rt={unit}")
        assert response.status_code == 404, unit


def test_the_export_page_lets_a_district_viewer_choose_among_its_villages(clients, placed):
    viewer = clients["district_viewer"]
    page = viewer.get("/registry/export/").content.decode()
    assert f'<option value="{VILLAGE_A}"' in page and f'<option value="{VILLAGE_B}"' in page
    assert 'name="village"' not in page  # no village chosen yet
    chosen = viewer.get(f"/registry/export/?for={VILLAGE_A}").content.decode()
    assert f'name="village" value="{VILLAGE_A}"' in chosen and "Dusun Mawar" in chosen
    from satudata.conftest import OTHER_DISTRICT_VILLAGE

    assert viewer.get(f"/registry/export/?for={OTHER_DISTRICT_VILLAGE}").status_code == 404
    assert clients["operator_b"].get(f"/registry/export/?for={VILLAGE_A}").status_code == 404


def test_the_export_page_lists_the_custodians_villages_with_residents(clients, placed):
    page = clients["custodian"].get("/registry/export/").content.decode()
    # Only village A holds residents, so it is the one offered (and chosen).
    assert f'name="village" value="{VILLAGE_A}"' in page and VILLAGE_B not in page
    producer = clients["producer_a"].get("/registry/export/").content.decode()
    assert "tidak boleh mengekspor" in producer and "<select" not in producer


def test_the_pager_of_every_conflict_keeps_showing_every_conflict(clients, cast, person):
    for n in range(51):
        NikConflict.objects.create(
            nik=f"{n:016d}",
            village_id=VILLAGE_B,
            holder_village_id=VILLAGE_A,
            source="import",
            resolved=True,
        )
    first = clients["custodian"].get("/registry/conflicts/?all=1").content.decode()
    assert "?all=1&amp;page=2" in first and "Halaman 1 dari 2" in first
