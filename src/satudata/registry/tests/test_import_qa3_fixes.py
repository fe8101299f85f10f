"""Import and export after the QA of 2026-11-24 (third session): rows of the wrong width,
columns the file lacks, disability in the OpenSID export, control characters in an XLSX
export, "?" from a Windows-1252 CSV, apostrophes in XLSX, several resident sheets, huge
cells, long values on the job page."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command

from satudata.conftest import VILLAGE_A
from satudata.registry.exporter import OPENSID_HEADER
from satudata.registry.models import ImportJob, Resident
from satudata.registry.tests.test_import import fails, good_rows, run, snapshot, write_csv
from satudata.registry.tests.test_import_fixes import errors_of, everything
from satudata.registry.tests.test_views import error_cells, post_import

pytestmark = pytest.mark.django_db
COL = {name: i for i, name in enumerate(OPENSID_HEADER)}
WIDTH = len(OPENSID_HEADER)


def stored(column: str) -> dict[str, object]:
    return dict(Resident.objects.values_list("nik", column))


def export(path, *args):
    call_command("export", "residents", str(path), "--village", VILLAGE_A, *args)
    return path


# -- 1. rows with fewer or more cells than the header -------------------------------------


@pytest.mark.parametrize("quoted", [False, True], ids=["polars", "csv-module"])
def test_a_row_cut_short_is_refused_naming_it_and_erases_nothing(tmp_path, quoted):
    rows = good_rows(6)
    run(write_csv(tmp_path / "a.csv", rows))
    before = everything()
    changed = [list(row) for row in rows]
    changed[3] = changed[3][:10]  # row 5: the cells after tanggallahir are gone
    if quoted:
        changed[0][COL["alamat"]] = 'Jl. "Lama"'  # a quote: the csv module reads the file
    path = write_csv(tmp_path / "b.csv", changed)
    out = fails(path)
    assert f"Baris 5: baris ini punya 10 kolom, judulnya {WIDTH}." in out
    assert everything() == before
    assert errors_of(tmp_path / "b.csv.errors.csv")[0][:2] == ["5", ""]
    # Valid-only: that row alone is refused; its resident keeps every value.
    religion = stored("religion")
    out = run(path, "--mode", "valid-only")
    assert "1 ditolak" in out
    assert stored("religion") == religion
    assert Resident.objects.get(nik=rows[3][COL["nik"]]).relationship is not None


def test_a_file_cut_mid_row_is_refused_at_that_row(tmp_path):
    rows = good_rows(5)
    run(write_csv(tmp_path / "a.csv", rows))
    before = everything()
    whole = write_csv(tmp_path / "b.csv", rows).read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(whole[: whole.rindex(b"\n", 0, len(whole) - 1) + 40])  # as `head -c`
    out = fails(cut)
    assert f"Baris {len(rows) + 1}: baris ini punya" in out
    assert everything() == before


def test_a_row_with_more_cells_is_refused_and_blank_extras_and_lines_are_not(tmp_path):
    rows = good_rows(4)
    shifted = [list(row) for row in rows]
    shifted[1] = ["Jl. Lama", *shifted[1]]  # "Jl. Lama, No 5" typed without quotes
    shifted[2] = [*shifted[2], ""]  # a trailing empty cell changes nothing
    path = write_csv(tmp_path / "w.csv", shifted)
    out = fails(path)
    assert f"Baris 3: baris ini punya {WIDTH + 1} kolom, judulnya {WIDTH}." in out
    assert Resident.objects.count() == 0
    fine = write_csv(tmp_path / "ok.csv", [*rows[:2], [*rows[2], ""], rows[3]])
    fine.write_bytes(fine.read_bytes() + b"\r\n")  # an empty last line stays skipped
    assert f"{len(rows)} baris: {len(rows)} ditambah" in run(fine)


def test_with_user_a_short_row_is_named_as_short_not_by_its_village(tmp_path, cast):
    rows = good_rows(3)
    rows[1] = rows[1][:10]
    out = fails(write_csv(tmp_path / "w.csv", rows), "--user", "operator.a")
    assert f"Baris 3: baris ini punya 10 kolom, judulnya {WIDTH}." in out
    assert "kode_desa" not in out


def test_an_xlsx_row_shorter_than_its_header_is_read_with_empty_cells(tmp_path):
    rows = good_rows(3)
    book = openpyxl.Workbook()
    book.active.append(OPENSID_HEADER)
    for row in rows:
        book.active.append(row[: COL["golongan_darah_id"]])  # status and kode_desa empty
    book.save(tmp_path / "w.xlsx")
    out = run(tmp_path / "w.xlsx", "--village", VILLAGE_A)
    assert f"{len(rows)} ditambah" in out and "0 ditolak" in out


# -- 2. a column the file lacks keeps what is stored ---------------------------------------


def test_a_missing_column_keeps_the_stored_values(tmp_path):
    rows = good_rows(6)
    run(write_csv(tmp_path / "a.csv", rows))
    Resident.objects.update(disability=2)
    occupations = stored("occupation")
    versions = stored("version")
    at = COL["pekerjaan_id"]
    header = [h for i, h in enumerate(OPENSID_HEADER) if i != at]
    fewer = [[v for i, v in enumerate(row) if i != at] for row in rows]
    out = run(write_csv(tmp_path / "b.csv", fewer, header=header))
    assert f"0 diperbarui, {len(rows)} tidak berubah" in out
    assert stored("occupation") == occupations and stored("version") == versions
    # OpenSID's template has no cacat_id either: the disability stays too.
    assert set(stored("disability").values()) == {2}
    assert (
        "Peringatan: Kolom yang tidak ada di berkas tidak mengubah data tersimpan: "
        "pekerjaan_id, cacat_id." in out
    )
    # A change in a column the file has is still made.
    fewer[0][COL["nama"]] = "Nama Baru"
    out = run(write_csv(tmp_path / "c.csv", fewer, header=header))
    assert "1 diperbarui" in out and stored("occupation") == occupations


# -- 3. the OpenSID export carries disability -----------------------------------------------


def test_an_opensid_export_keeps_disability_on_reimport(tmp_path):
    rows = good_rows(4)
    run(write_csv(tmp_path / "a.csv", rows))
    Resident.objects.filter(nik=rows[0][COL["nik"]]).update(disability=3)
    path = export(tmp_path / "e.csv")
    header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert "cacat_id" in header
    out = run(path, "--village", VILLAGE_A)
    assert f"0 diperbarui, {len(rows)} tidak berubah" in out
    assert Resident.objects.get(nik=rows[0][COL["nik"]]).disability == 3


# -- 4. control characters in an XLSX export ------------------------------------------------


def test_an_xlsx_export_of_a_name_with_a_control_character_does_not_fail(tmp_path, clients):
    rows = good_rows(3)
    run(write_csv(tmp_path / "a.csv", rows))
    Resident.objects.filter(nik=rows[0][COL["nik"]]).update(name="Hasan\x0bBahri")
    Resident.objects.filter(nik=rows[1][COL["nik"]]).update(birth_place="Ctrl\x01Char")
    path = export(tmp_path / "x.xlsx")
    values = [c for row in openpyxl.load_workbook(path).active.values for c in row]
    assert "Hasan\ufffdBahri" in values and "Ctrl\ufffdChar" in values
    response = clients["operator_a"].get(f"/registry/export/?village={VILLAGE_A}&type=xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"


# -- 5. "?" written by Windows-1252 for letters it lacks -----------------------------------


def test_a_name_with_letters_turned_into_question_marks_is_refused(tmp_path):
    rows = good_rows(4)
    run(write_csv(tmp_path / "a.csv", rows))
    nik = rows[1][COL["nik"]]
    Resident.objects.filter(nik=nik).update(name="Nguyễn Thị Ánh")
    rows[1][COL["nama"]] = "Nguyễn Thị Ánh"
    before = everything()
    buffer = io.StringIO()
    csv.writer(buffer).writerows([OPENSID_HEADER, *rows])
    path = tmp_path / "excel.csv"
    path.write_bytes(buffer.getvalue().encode("cp1252", errors="replace"))  # as Excel saves
    out = fails(path)
    assert (
        "Baris 3, kolom nama: nama: “Nguy?n Th? Ánh” seperti “Nguyễn Thị Ánh” dengan huruf "
        "yang diganti “?” (berkas disimpan dalam pengodean tanpa huruf itu). Simpan sebagai "
        "CSV UTF-8 lalu impor lagi." in out
    )
    assert everything() == before
    # A "?" that replaces a letter the encoding has is a change like any other.
    rows[1][COL["nama"]] = "Nguyễn Thị Ánh"
    rows[2][COL["nama"]] = rows[2][COL["nama"]][:-1] + "?"
    out = run(write_csv(tmp_path / "b.csv", rows))
    assert "1 diperbarui" in out
    assert Resident.objects.get(nik=nik).name == "Nguyễn Thị Ánh"


# -- 6. the export's apostrophe is removed from CSV files only -------------------------------


def test_an_apostrophe_typed_in_a_name_survives_an_xlsx_round_trip(tmp_path):
    rows = good_rows(3)
    run(write_csv(tmp_path / "a.csv", rows))
    Resident.objects.filter(nik=rows[0][COL["nik"]]).update(name="'=apostrof")
    path = export(tmp_path / "x.xlsx")
    out = run(path, "--village", VILLAGE_A)
    assert f"0 diperbarui, {len(rows)} tidak berubah" in out
    assert Resident.objects.get(nik=rows[0][COL["nik"]]).name == "'=apostrof"
    out = run(export(tmp_path / "x.csv"), "--village", VILLAGE_A)  # CSV: "''=apostrof"
    assert f"0 diperbarui, {len(rows)} tidak berubah" in out


# -- 7. several sheets of residents ----------------------------------------------------------


def test_a_second_sheet_of_residents_is_named_as_not_imported(tmp_path):
    rows = good_rows(4)
    book = openpyxl.Workbook()
    book.active.title = "catatan"
    book.active.append(["Data penduduk per RT"])
    for title, part in (("rt1", rows[:2]), ("rt2", rows[2:])):
        sheet = book.create_sheet(title)
        sheet.append(OPENSID_HEADER)
        for row in part:
            sheet.append(row)
    book.save(tmp_path / "w.xlsx")
    out = run(tmp_path / "w.xlsx")
    assert "Peringatan: Lembar yang tidak diimpor: rt2." in out
    assert Resident.objects.count() == 2


# -- 8. a cell over the csv module's limit ---------------------------------------------------


def test_a_huge_cell_is_named_in_indonesian(tmp_path):
    rows = good_rows(3)
    rows[1][COL["alamat"]] = "x" * 200_000
    before = snapshot()
    out = fails(write_csv(tmp_path / "w.csv", rows))
    assert "Baris 3: sebuah sel lebih dari 128 KB; periksa berkasnya." in out
    assert "field larger" not in out and snapshot() == before


# -- 9. long values on the job page ----------------------------------------------------------


def test_the_job_page_cuts_long_values_and_the_error_file_keeps_them(
    clients, settings, django_capture_on_commit_callbacks
):
    settings.SATUDATA_IMPORT_INLINE = True
    rows = good_rows(3)
    long = "Panjang" * 715  # 5,005 characters
    rows[0][COL["nama"]] = long
    response = post_import(
        clients["operator_a"], django_capture_on_commit_callbacks, rows, "all-or-nothing"
    )
    page = clients["operator_a"].get(response["Location"]).content.decode()
    value = error_cells(page)[0][2]
    assert value == long[:100] + "…"
    job = ImportJob.objects.get()
    errors = clients["operator_a"].get(f"/registry/import/{job.pk}/errors.csv")
    assert long in b"".join(errors.streaming_content).decode("utf-8-sig")
