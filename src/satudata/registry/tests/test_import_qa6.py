"""QA round of the sixth session, the resident import: a birth-date cell of a serial of 0 or
less (a date before Excel's first day) is refused, a file of a header alone imports as
0 rows (the export of a village without residents), a temporary NIK a real one replaced
is refused as a new person, on the vectorised and the per-row path alike."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from satudata.conftest import VILLAGE_A
from satudata.registry import services
from satudata.registry.exporter import OPENSID_HEADER
from satudata.registry.models import FormerTemporaryNik, ImportJob, Resident
from satudata.registry.tests.helpers import nik_for
from satudata.registry.tests.test_import import fails, good_rows, run, write_csv
from satudata.registry.tests.test_import_fixes import (  # noqa: F401 - baby is a fixture
    TEMPORARY,
    baby,
    dated,
    errors_of,
    everything,
    slow,
)

pytestmark = pytest.mark.django_db
COL = {name: i for i, name in enumerate(OPENSID_HEADER)}
NOT_A_DATE = "Baris 3, kolom tanggallahir: tanggal lahir: “{}” bukan tanggal yang sah"


def export(path, fmt: str = "opensid"):
    call_command(
        "export", "residents", str(path), "--village", VILLAGE_A, "--format", fmt,
        stdout=io.StringIO(),
    )  # fmt: skip
    return path


# -- 1. a birth date of a serial of 0 or less ---------------------------------------------


def with_serial_at_row_3(tmp_path, value, date_format: bool):
    """An XLSX of good rows whose row 3 holds `value` as its birth date: a number, in a
    cell formatted as a date or not (its NIK is of 25-12-1899, what openpyxl makes of -5)."""
    rows = good_rows(3)
    rows[1] = dated(rows[1], datetime.date(1899, 12, 25), "")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(OPENSID_HEADER)
    for row in rows:
        sheet.append(row)
    # The other rows' birth dates are date cells (which openpyxl reads as datetimes).
    for line in range(4, len(rows) + 2):
        cell = sheet.cell(line, COL["tanggallahir"] + 1)
        cell.value = datetime.datetime.fromisoformat(cell.value)
    sheet.cell(3, COL["tanggallahir"] + 1).value = value
    if date_format:
        sheet.cell(3, COL["tanggallahir"] + 1).number_format = "dd/mm/yyyy"
    path = tmp_path / "warga.xlsx"
    book.save(path)
    return path, len(rows)


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date")
@pytest.mark.parametrize(
    ("value", "shown", "date_format"),
    [(-5, "-5", True), (-5.0, "-5", True), (0, "0", True), (-5, "-5", False), (0, "0", False)],
)
def test_an_xlsx_birth_date_of_serial_zero_or_less_is_refused(tmp_path, value, shown, date_format):
    """QA: -5 in a cell formatted as a date came as 25-12-1899 (openpyxl's reading of the
    serial) and was stored, as 1899 is within 130 years; a plain number cell was refused."""
    path, rows = with_serial_at_row_3(tmp_path, value, date_format)
    before = everything()
    out = fails(path, "--village", VILLAGE_A)
    assert NOT_A_DATE.format(shown) in out
    assert everything() == before
    # The error file holds what the cell held, not the date openpyxl made of it.
    assert errors_of(tmp_path / "warga.xlsx.errors.csv")[0][:3] == ["3", "tanggallahir", shown]
    out = run(path, "--village", VILLAGE_A, "--mode", "valid-only")
    assert f"{rows - 1} ditambah" in out and "1 ditolak" in out
    assert not Resident.objects.filter(birth_date__year__lt=1900).exists()


@pytest.mark.parametrize("vectorised", [True, False])
@pytest.mark.parametrize("text", ["-5", "-5.0", "0", "-40000"])
def test_a_csv_birth_date_of_serial_zero_or_less_is_refused(
    tmp_path, monkeypatch, vectorised, text
):
    """The same number as text in a CSV, on both paths (it was refused already: a guard)."""
    if not vectorised:
        slow(monkeypatch)
    rows = good_rows(3)
    rows[1] = dated(rows[1], datetime.date(1899, 12, 25), text)
    before = everything()
    out = fails(write_csv(tmp_path / "w.csv", rows), "--village", VILLAGE_A)
    assert NOT_A_DATE.format(text) in out
    assert everything() == before


# -- 2. a header and no rows ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["kosong.csv", "kosong.xlsx"])
@pytest.mark.parametrize("fmt", ["opensid", "satudata"])
def test_the_export_of_a_village_without_residents_imports_as_zero_rows(tmp_path, fmt, name):
    path = export(tmp_path / name, fmt)
    before = everything()
    out = run(path, "--village", VILLAGE_A)
    assert "Peringatan: Berkas memiliki judul kolom tetapi tidak ada baris data" in out
    assert "0 baris: 0 ditambah, 0 diperbarui, 0 tidak berubah, 0 ditolak." in out
    assert everything()[1:] == before[1:]  # only the import's own audit entry is new
    job = ImportJob.objects.get()
    assert (job.rows, job.added, job.committed) == (0, 0, True)


def test_a_header_only_file_on_the_web_page_is_a_job_of_zero_rows(
    clients, settings, django_capture_on_commit_callbacks
):
    settings.SATUDATA_IMPORT_INLINE = True
    upload = SimpleUploadedFile("warga.csv", (",".join(OPENSID_HEADER) + "\r\n").encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["operator_a"].post(
            "/registry/import/", {"file": upload, "mode": "all-or-nothing", "village": ""}
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.DONE and job.committed and job.rows == 0
    page = clients["operator_a"].get(response["Location"]).content.decode()
    assert "tetapi tidak ada baris data: tidak ada yang ditambah" in page


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b" \r\n \r\n", b"\xef\xbb\xbf\n\n"])
def test_a_file_without_a_header_is_still_refused_as_empty(tmp_path, content):
    path = tmp_path / "w.csv"
    path.write_bytes(content)
    assert "Berkas kosong" in fails(path, "--village", VILLAGE_A)
    assert not ImportJob.objects.exists()


# -- 3. a temporary NIK a real one replaced ------------------------------------------------


@pytest.fixture
def child(request):
    """The baby of `test_import_fixes`, registered by its family with a temporary NIK."""
    return request.getfixturevalue("baby")


def replace_temporary_nik(cast, child) -> str:
    """The child's real NIK has come: the temporary one is recorded as given before."""
    real = nik_for(child.birth_date, child.sex)
    services.update_resident(
        cast.operator_a, child, {"nik": real, "nik_is_temporary": False}, child.version
    )
    assert FormerTemporaryNik.objects.filter(nik=TEMPORARY).exists()
    return real


REPLACED = (
    "kolom nik: NIK: pernah menjadi NIK sementara, yang sudah diganti NIK asli milik orang "
    "yang menerimanya; datanya ada di desa Natai Raya (62.01.02.2016). NIK sementara tidak "
    "pernah diberikan dua kali."
)


@pytest.mark.parametrize(
    ("fmt", "name", "vectorised"),
    [("opensid", "lama.csv", True), ("opensid", "lama.csv", False), ("satudata", "lama.xlsx", 0)],
)
def test_an_old_export_with_a_replaced_temporary_nik_is_refused(
    tmp_path, monkeypatch, cast, child, fmt, name, vectorised
):
    """QA: the export made before the baby's real NIK came, imported again, registered the
    baby a second time under the temporary NIK (the form refuses that number)."""
    path = export(tmp_path / name, fmt)
    real = replace_temporary_nik(cast, child)
    if not vectorised:
        slow(monkeypatch)
    before = everything()
    out = fails(path)
    assert REPLACED in out
    assert everything() == before
    # Valid-only: the other rows are imported (unchanged), the baby's is refused, and the
    # baby keeps its one record, under the real NIK.
    out = run(path, "--mode", "valid-only")
    assert "0 ditambah, 0 diperbarui, 3 tidak berubah, 1 ditolak" in out
    assert REPLACED in out
    assert not Resident.all_objects.filter(nik=TEMPORARY).exists()
    assert Resident.objects.get(pk=child.pk).nik == real


@pytest.mark.parametrize("vectorised", [True, False])
def test_valid_only_stores_the_new_rows_beside_a_replaced_temporary_nik(
    tmp_path, monkeypatch, cast, child, vectorised
):
    replace_temporary_nik(cast, child)
    rows = good_rows(3)
    rows[2][COL["nik"]] = TEMPORARY
    if not vectorised:
        slow(monkeypatch)
    out = run(write_csv(tmp_path / "w.csv", rows), "--mode", "valid-only")
    assert f"{len(rows) - 1} ditambah" in out and "1 ditolak" in out
    assert f"Baris 4, {REPLACED}" in out
    assert not Resident.all_objects.filter(nik=TEMPORARY).exists()


def test_the_person_who_holds_the_number_again_is_updated_as_before(tmp_path, cast, child):
    """A real NIK entered by mistake and undone on the form: the baby holds the temporary
    NIK again (the form allows its own holder that), and its export re-imports unchanged."""
    real = replace_temporary_nik(cast, child)
    current = Resident.objects.get(nik=real)
    services.update_resident(
        cast.operator_a, current, {"nik": TEMPORARY, "nik_is_temporary": True}, current.version
    )
    path = export(tmp_path / "desa.csv")
    assert "0 ditambah, 0 diperbarui, 4 tidak berubah, 0 ditolak" in run(path)


def test_the_replaced_temporary_niks_are_looked_up_once_a_chunk(tmp_path, cast, child):
    """One query for a chunk's temporary NIKs, none for a chunk without one: the import
    reads 600,000 rows."""
    replace_temporary_nik(cast, child)
    rows = good_rows(6)
    for index, row in enumerate(rows[:4]):
        row[COL["nik"]] = TEMPORARY[:-1] + str(index + 2)  # new temporary NIKs, and…
    rows[5][COL["nik"]] = TEMPORARY  # …the replaced one
    with CaptureQueriesContext(connection) as queries:
        run(write_csv(tmp_path / "w.csv", rows), "--mode", "valid-only")
    former = [q for q in queries.captured_queries if "formertemporarynik" in q["sql"]]
    assert len(former) == 1
    plain = write_csv(tmp_path / "plain.csv", good_rows(4, seed=8))
    with CaptureQueriesContext(connection) as queries:
        run(plain)
    assert not [q for q in queries.captured_queries if "formertemporarynik" in q["sql"]]
