"""What spreadsheets do to a resident file, and what the import says about it (found by a QA
round: rounded 16-digit numbers, date cells, late accents, formulas, blank-looking rows)."""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata

import openpyxl
import pytest

from satudata.conftest import VILLAGE_A
from satudata.regions.models import LocalUnit
from satudata.registry import importer
from satudata.registry.exporter import OPENSID_HEADER
from satudata.registry.models import Resident
from satudata.registry.tests.helpers import resident_data
from satudata.registry.tests.test_import import fails, good_rows, run, write_csv
from satudata.registry.tests.test_import_fixes import COL, errors_of, everything

pytestmark = pytest.mark.django_db


def write_xlsx(path, rows):
    book = openpyxl.Workbook()
    book.active.append(OPENSID_HEADER)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_a_nik_typed_as_a_number_is_refused_not_rounded(tmp_path):
    rows = good_rows(3)
    stored = good_rows(3)
    # What Excel keeps of a typed 16-digit NIK: 15 significant digits, a float.
    rows[1][COL["nik"]] = float(rows[1][COL["nik"]][:15] + "0")
    rows[2][COL["no_kk"]] = float(rows[2][COL["no_kk"]])
    before = everything()
    out = fails(write_xlsx(tmp_path / "angka.xlsx", rows))
    assert "Baris 3, kolom nik: NIK: sel ini berupa angka" in out
    assert "Baris 4, kolom no_kk: nomor KK: sel ini berupa angka" in out
    assert "format kolom ini sebagai Teks" in out
    assert everything() == before
    run(write_xlsx(tmp_path / "teks.xlsx", stored))  # the same rows as text import
    assert Resident.objects.count() == len(stored)


@pytest.mark.parametrize("column", ["nik", "no_kk", "rt"])
def test_a_date_cell_in_a_code_column_is_named_not_a_crash(tmp_path, column):
    rows = good_rows(3)
    rows[2][COL[column]] = datetime.datetime(2026, 3, 4)  # "3/4" as Excel reads it
    before = everything()
    out = fails(write_xlsx(tmp_path / "tanggal.xlsx", rows))
    assert f"Baris 4, kolom {column}:" in out
    assert "sel tanggal atau ya/tidak; format kolom ini sebagai Teks" in out
    assert everything() == before


def test_windows_1252_is_recognised_by_its_first_accent_anywhere(tmp_path):
    rows = good_rows(700)
    rows[650][COL["nama"]] = "André Pétrus"
    path = write_csv(tmp_path / "cp1252.csv", rows, encoding="cp1252")
    assert path.read_bytes()[:65536].isascii() and path.stat().st_size > 65536
    run(path)
    assert Resident.objects.get(nik=rows[650][COL["nik"]]).name == "André Pétrus"


@pytest.mark.parametrize("vectorised", [True, False])
def test_a_wrong_sex_is_quoted_as_written(tmp_path, monkeypatch, vectorised):
    if not vectorised:
        monkeypatch.setattr(importer, "fast_rows", lambda imp, raw: None)
    rows = good_rows(3)
    rows[1][COL["sex"]] = "W"
    out = fails(write_csv(tmp_path / "w.csv", rows))
    assert "Baris 3, kolom sex: jenis kelamin: “W” bukan kode jenis kelamin" in out
    assert "99" not in out


@pytest.mark.parametrize("vectorised", [True, False])
def test_a_row_of_spaces_is_a_blank_row(tmp_path, monkeypatch, vectorised):
    if not vectorised:
        monkeypatch.setattr(importer, "fast_rows", lambda imp, raw: None)
    rows = good_rows(3)
    n = len(rows)
    out = run(write_csv(tmp_path / "w.csv", [*rows, [" "] * len(OPENSID_HEADER)]))
    assert f"{n} baris: {n} ditambah" in out and Resident.objects.count() == n


def test_a_nik_in_scientific_notation_says_the_digits_are_lost(tmp_path):
    rows = good_rows(3)
    rows[1][COL["nik"]] = "6.20102E+15"
    out = fails(write_csv(tmp_path / "w.csv", rows))
    assert "“6.20102E+15” adalah cara lembar kerja menampilkan angka panjang" in out


def test_the_error_file_never_runs_a_formula(tmp_path):
    rows = good_rows(3)
    rows[1][COL["agama_id"]] = '=HYPERLINK("http://contoh.invalid","klik")'
    path = write_csv(tmp_path / "w.csv", rows)
    fails(path)
    (error,) = errors_of(tmp_path / "w.csv.errors.csv")
    assert error[1] == "agama_id" and error[2].startswith("'=HYPERLINK")


def test_an_error_file_that_cannot_be_written_is_a_sentence(tmp_path):
    path = write_csv(tmp_path / "w.csv", good_rows(2))
    before = everything()
    out = fails(path, "--errors", str(tmp_path / "tidak-ada" / "galat.csv"))
    assert "Berkas galat" in out and "tidak dapat ditulis" in out
    assert everything() == before


def test_a_village_code_without_dots_and_a_failed_run_says_would(tmp_path):
    rows = good_rows(3)
    path = write_csv(tmp_path / "w.csv", rows)
    assert f"{len(rows)} ditambah" in run(path, "--village", VILLAGE_A.replace(".", ""))
    rows = good_rows(3, seed=8)
    rows[0][COL["nama"]] = ""
    out = fails(write_csv(tmp_path / "x.csv", rows))
    assert f"{len(rows) - 1} akan ditambah" in out and "Tidak ada yang disimpan" in out


def test_an_all_zero_temporary_nik_is_refused(tmp_path):
    rows = good_rows(2)
    rows[1][COL["nik"]] = "0" * 16
    out = fails(write_csv(tmp_path / "w.csv", rows))
    # Not a temporary NIK (serial 0000), so a real NIK's rules refuse it.
    assert "Baris 3, kolom nik: NIK: 6 digit pertama (000000)" in out


@pytest.fixture
def mischief(cast, village_a, household):
    from satudata.registry import services

    return services.register_resident(
        cast.operator_a,
        village_a,
        resident_data(
            name='=HYPERLINK("http://contoh.invalid","Klik")',
            birth_place="+SUM(1,2)",
            relationship=4,
        ),
        family=household[0],
    )


def test_exports_never_carry_a_formula_and_import_again_unchanged(tmp_path, clients, mischief):
    url = f"/registry/export/?village={VILLAGE_A}&type="
    data = clients["operator_a"].get(url + "xlsx").content
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value]
    assert all(c.data_type != "f" for c in cells)
    assert mischief.name in [c.value for c in cells]
    text = b"".join(clients["operator_a"].get(url + "csv").streaming_content).decode("utf-8-sig")
    row = next(r for r in csv.reader(io.StringIO(text)) if mischief.nik in r)
    assert "'" + mischief.name in row and "'+SUM(1,2)" in row
    path = tmp_path / "ekspor.xlsx"
    path.write_bytes(data)
    assert "0 ditambah, 0 diperbarui, 4 tidak berubah" in run(path)


def test_an_xlsx_saved_under_a_csv_name_is_read_by_its_content(tmp_path):
    rows = good_rows(4)
    run(write_xlsx(tmp_path / "warga.csv", rows))
    assert Resident.objects.count() == len(rows)


def test_the_sheet_with_the_nik_column_is_read_when_notes_come_first(tmp_path):
    rows = good_rows(4)
    book = openpyxl.Workbook()
    book.active.title = "Petunjuk"
    book.active.append(["Isi lembar Penduduk; kode agama 1-7"])
    residents = book.create_sheet("Penduduk")
    residents.append(OPENSID_HEADER)
    for row in rows:
        residents.append(row)
    book.save(tmp_path / "warga.xlsx")
    run(tmp_path / "warga.xlsx")
    assert Resident.objects.count() == len(rows)


def test_a_csv_mixing_utf8_and_windows_1252_is_refused_not_garbled(tmp_path):
    rows = good_rows(4)
    rows[0][COL["nama"]] = "José"
    rows[1][COL["nama"]] = "Müller"
    path = write_csv(tmp_path / "campur.csv", rows[:1])
    cp1252 = io.StringIO()
    csv.writer(cp1252).writerows(rows[1:])
    path.write_bytes(path.read_bytes() + cp1252.getvalue().encode("cp1252"))
    before = everything()
    out = fails(path)
    assert "mencampur dua pengodean" in out
    assert everything() == before


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("rt", 2.5, "“2.5” bukan bilangan bulat."),
        ("agama_id", 2.7, "“2.7”"),
        ("agama_id", True, "“True”"),
        ("rt", True, "sel tanggal atau ya/tidak"),
    ],
)
def test_a_fraction_or_a_yes_no_cell_in_a_number_column_is_refused(
    tmp_path, column, value, message
):
    """2.5 in an RT column was cut to RT 002 and TRUE read as 1, without a word."""
    rows = good_rows(3)
    rows[1][COL[column]] = value
    before = everything()
    out = fails(write_xlsx(tmp_path / "angka.xlsx", rows))
    assert f"Baris 3, kolom {column}:" in out and message in out
    assert everything() == before


def test_a_csv_of_windows_1252_then_utf8_is_refused_too(tmp_path):
    rows = good_rows(4)
    rows[0][COL["nama"]] = "Müller"
    rows[2][COL["nama"]] = "José"
    first, second = io.StringIO(), io.StringIO()
    csv.writer(first).writerows([OPENSID_HEADER, *rows[:2]])
    csv.writer(second).writerows(rows[2:])
    path = tmp_path / "campur.csv"
    path.write_bytes(first.getvalue().encode("cp1252") + second.getvalue().encode("utf-8"))
    before = everything()
    out = fails(path)
    assert "mencampur dua pengodean" in out
    assert everything() == before


def test_an_excel_error_cell_is_named_not_stored(tmp_path):
    """A failed VLOOKUP's "#N/A" replaced a resident's name (QA)."""
    rows = good_rows(4)
    run(write_csv(tmp_path / "first.csv", rows))
    before = everything()
    path = tmp_path / "errors.xlsx"
    book = openpyxl.Workbook()
    book.active.append(OPENSID_HEADER)
    for row in rows:
        book.active.append(row)
    cell = book.active.cell(row=2, column=COL["nama"] + 1)
    cell.value, cell.data_type = "#N/A", "e"  # an error cell, as Excel saves it
    book.active.cell(row=3, column=COL["nama_ayah"] + 1).value = "#REF!"
    book.save(path)
    out = fails(path)
    assert "Baris 2, kolom nama: nama: “#N/A” adalah tampilan Excel" in out
    assert "Baris 3, kolom nama_ayah" in out
    assert everything() == before


@pytest.mark.parametrize("vectorised", [True, False])
def test_decomposed_letters_are_stored_composed(tmp_path, monkeypatch, vectorised):
    """A name in decomposed letters (NFD) was stored so and no longer found (QA)."""
    if not vectorised:
        monkeypatch.setattr(importer, "fast_rows", lambda imp, raw: None)
    rows = good_rows(3)
    composed = [list(row) for row in rows]
    composed[0][COL["nama"]] = "Ñoño Çağlar"
    composed[0][COL["dusun"]] = "Pétak"
    decomposed = [[unicodedata.normalize("NFD", value) for value in row] for row in composed]
    assert decomposed[0][COL["nama"]] != "Ñoño Çağlar"
    run(write_csv(tmp_path / "nfd.csv", decomposed))
    person = Resident.objects.get(nik=rows[0][COL["nik"]])
    assert person.name == "Ñoño Çağlar"
    hamlets = set(LocalUnit.objects.filter(level="hamlet").values_list("name", flat=True))
    assert "Pétak" in hamlets and unicodedata.normalize("NFD", "Pétak") not in hamlets
    again = run(write_csv(tmp_path / "nfc.csv", composed))
    assert "0 diperbarui" in again, again
