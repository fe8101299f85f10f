"""QA of the fifth session, import and export files: the size refusal reads above the limit,
the import limits are environment settings, no orphan error files, and the command-line
export refuses a village outside the regencies served as the web export does."""

from __future__ import annotations

import datetime
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.db import connections
from django.utils import timezone

from satudata.conftest import VILLAGE_A
from satudata.core.tests.sqlite_helpers import SATUDATA, subprocess_environment
from satudata.registry import jobs
from satudata.registry.exporter import OPENSID_HEADER
from satudata.registry.models import ImportJob, Resident
from satudata.registry.synthetic import Generator, opensid_rows
from satudata.registry.tests.test_served_regencies import outside  # noqa: F401 - a fixture
from satudata.registry.tests.test_views import abandoned_job, post_import

MB = 2**20


# -- 1. the size refusal -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_web_refusal_shows_the_size_above_the_limit(clients, settings):
    settings.SATUDATA_IMPORT_MAX_MB = 1
    upload = SimpleUploadedFile("besar.csv", b"#" * int(1.53 * MB))
    page = clients["operator_a"].post(
        "/registry/import/", {"file": upload, "mode": "valid-only", "village": ""}
    )
    assert page.status_code == 200
    assert "Berkas berukuran 1,6 MB; berkas terbesar yang diterima 1 MB." in page.content.decode()
    assert not ImportJob.objects.exists()


def sparse(path: Path, size: int) -> Path:
    """A file of `size` bytes that takes no room on the disk (the check reads only its size)."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def refused_import(path: Path) -> str:
    with pytest.raises(CommandError) as info:
        call_command("import", "residents", str(path), stdout=io.StringIO())
    return str(info.value)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("size", "shown"), [(int(150.4 * MB), "150,4"), (150 * MB + 1, "150,1"), (151 * MB, "151,0")]
)
def test_the_command_line_refusal_rounds_the_size_up(tmp_path, size, shown):
    message = refused_import(sparse(tmp_path / "besar.csv", size))
    assert message == f"Berkas berukuran {shown} MB; berkas terbesar yang diterima 150 MB."
    assert not Resident.objects.exists()


# -- 2. the import limits from the environment --------------------------------------------


def test_the_size_limit_is_read_from_the_environment(tmp_path):
    big = sparse(tmp_path / "warga.csv", int(1.5 * MB))
    result = subprocess.run(  # noqa: S603
        [*SATUDATA, "import", "residents", str(big), "--village", VILLAGE_A],
        capture_output=True,
        text=True,
        env=subprocess_environment(tmp_path / "home", SATUDATA_IMPORT_MAX_MB="1"),
        timeout=300,
    )
    assert result.returncode == 1
    assert result.stderr == (
        "satudata: Berkas berukuran 1,5 MB; berkas terbesar yang diterima 1 MB.\n"
    )


def setting_in_a_process(home: Path, name: str, **env) -> str:
    code = f"from django.conf import settings; print(settings.{name})"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env=subprocess_environment(home, **env),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return result.stdout.strip()


def test_the_index_threshold_is_read_from_the_environment(tmp_path):
    name = "SATUDATA_IMPORT_DEFER_INDEXES_ROWS"
    assert setting_in_a_process(tmp_path, name, **{name: "500"}) == "500"
    assert setting_in_a_process(tmp_path, name) == "20000"
    assert setting_in_a_process(tmp_path, "SATUDATA_IMPORT_MAX_MB") == "150"


# -- 3. no orphan error files --------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.SATUDATA_IMPORT_INLINE = True
    return jobs.upload_dir()


def error_files(folder: Path) -> list[str]:
    return sorted(item.name for item in folder.glob("*.errors.csv"))


def test_an_import_that_rejects_nothing_leaves_no_error_file(
    clients, media, django_capture_on_commit_callbacks
):
    rows = list(opensid_rows(Generator(7).families([VILLAGE_A], 3)))
    post_import(clients["operator_a"], django_capture_on_commit_callbacks, rows, "valid-only")
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.DONE and job.rejected == 0 and job.error_path == ""
    assert list(media.iterdir()) == []


def test_an_import_that_rejects_a_row_keeps_its_error_file(
    clients, media, django_capture_on_commit_callbacks
):
    rows = list(opensid_rows(Generator(7).families([VILLAGE_A], 3)))
    rows[0][OPENSID_HEADER.index("nik")] = "12"
    post_import(clients["operator_a"], django_capture_on_commit_callbacks, rows, "valid-only")
    job = ImportJob.objects.get()
    assert job.rejected == 1 and error_files(media) == [Path(job.error_path).name]


@pytest.mark.django_db
def test_a_job_whose_process_died_leaves_no_error_file(cast, clients, tmp_path):
    job = abandoned_job(cast, tmp_path, seconds_ago=jobs.ABANDONED_AFTER + 60)
    started = jobs.error_file(job)
    started.touch()  # what the killed process had written of it: nothing
    page = clients["operator_a"].get(f"/registry/import/{job.pk}/").content.decode()
    assert "Proses impor berhenti sebelum selesai" in page
    assert not started.exists()


def aged(path: Path, days: float) -> Path:
    path.write_text("baris,kolom,nilai,pesan\n", encoding="utf-8")
    then = time.time() - days * 24 * 3600
    os.utime(path, (then, then))
    return path


def test_the_next_job_forgets_old_files_no_job_refers_to(
    cast, clients, media, django_capture_on_commit_callbacks
):
    orphan = aged(media / "lama.errors.csv", days=31)
    upload_left = aged(media / "lama.csv", days=31)
    recent = aged(media / "baru.errors.csv", days=2)
    # An old file still referred to: its job ended 10 days ago, so it is kept 20 more days.
    referred = aged(media / "dirujuk.errors.csv", days=40)
    ImportJob.objects.create(
        file_name="dirujuk.csv",
        path=str(media / "dirujuk.csv"),
        error_path=str(referred),
        state=ImportJob.State.DONE,
        finished_at=timezone.now() - datetime.timedelta(days=10),
        actor=cast.operator_a,
    )
    rows = list(opensid_rows(Generator(8).families([VILLAGE_A], 2)))
    post_import(
        clients["operator_a"], django_capture_on_commit_callbacks, rows, "valid-only", "baru.csv"
    )
    assert ImportJob.objects.get(file_name="baru.csv").state == ImportJob.State.DONE
    assert not orphan.exists() and not upload_left.exists()
    assert recent.exists() and referred.exists()


# -- 4. the command-line export of a village outside the regencies served ------------------


def test_the_command_line_refuses_to_export_a_village_outside_the_regencies(
    tmp_path,
    cast,
    outside,  # noqa: F811 - the fixture
    monkeypatch,
    capsys,
):
    target = tmp_path / "x.csv"
    expected = "Desa ini di luar kabupaten yang dilayani basis data ini."
    for user in ([], ["--user", cast.custodian.username]):
        with pytest.raises(CommandError) as info:
            call_command("export", "residents", str(target), "--village", outside, *user)
        assert str(info.value) == expected
    # As the operator runs it: one sentence on stderr and a failed exit.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    command = load_command_class("satudata.registry", "export")
    argv = ["satudata", "export", "residents", str(target), "--village", outside]
    with pytest.raises(SystemExit) as exited:
        command.run_from_argv(argv)
    out, err = capsys.readouterr()
    assert exited.value.code == 1 and out == "" and expected in err
    assert not target.exists()
    # The regencies served are exported as before.
    call_command("export", "residents", str(target), "--village", VILLAGE_A, stdout=io.StringIO())
    assert target.exists()
