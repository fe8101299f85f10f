"""XLSX workbooks saved in Excel's 1904 date system (workbook.xml date1904="1", older Excel
for Mac): their serials count from 1904-01-01, 1462 days after the 1900 system's."""

from __future__ import annotations

import datetime

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from satudata.conftest import VILLAGE_A
from satudata.registry.exporter import OPENSID_HEADER
from satudata.registry.models import Resident
from satudata.registry.tests.test_import import fails, good_rows, run
from satudata.registry.tests.test_import_fixes import dated, errors_of, everything

pytestmark = pytest.mark.django_db
COL = {name: i for i, name in enumerate(OPENSID_HEADER)}
NOT_A_DATE = "Baris 3, kolom tanggallahir: tanggal lahir: “{}” bukan tanggal yang sah"
MAC = CALENDAR_MAC_1904.date()


def workbook(tmp_path, epoch, birth: datetime.date, value, date_format: bool):
    """An OpenSID XLSX of good rows in the date system of `epoch`, whose row 3 holds
    `value` as its birth date (its NIK of `birth`); the other rows' birth dates are date
    cells, which openpyxl writes and reads in the workbook's system."""
    rows = good_rows(3)
    rows[1] = dated(rows[1], birth, "")
    book = openpyxl.Workbook()
    book.epoch = epoch
    sheet = book.active
    sheet.append(OPENSID_HEADER)
    for row in rows:
        sheet.append(row)
    for line in range(2, len(rows) + 2):
        cell = sheet.cell(line, COL["tanggallahir"] + 1)
        if cell.value:
            cell.value = datetime.datetime.fromisoformat(cell.value)
    cell = sheet.cell(3, COL["tanggallahir"] + 1)
    cell.value = value
    if date_format:
        cell.number_format = "yyyy-mm-dd"
    path = tmp_path / "mac.xlsx"
    book.save(path)
    if epoch is CALENDAR_MAC_1904:  # what QA's file said
        assert openpyxl.load_workbook(path, read_only=True).epoch == CALENDAR_MAC_1904
    return path, rows


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date")
@pytest.mark.parametrize(
    ("epoch", "value", "read_as"),
    [
        # QA: -5 in a date cell of a 1904 workbook came as 1903-12-27 and was stored.
        (CALENDAR_MAC_1904, -5, datetime.date(1903, 12, 27)),
        (CALENDAR_MAC_1904, -1300, datetime.date(1900, 6, 11)),
        (CALENDAR_MAC_1904, 0, datetime.date(1904, 1, 1)),  # comes as 00:00, as in 1900
        # The 1900 system as before (test_import_qa6 has more).
        (CALENDAR_WINDOWS_1900, -5, datetime.date(1899, 12, 25)),
    ],
    ids=["1904-minus-5", "1904-minus-1300", "1904-zero", "1900-minus-5"],
)
def test_a_date_cell_before_the_workbooks_first_day_is_refused(tmp_path, epoch, value, read_as):
    path, rows = workbook(tmp_path, epoch, read_as, value, date_format=True)
    before = everything()
    out = fails(path, "--village", VILLAGE_A)
    assert NOT_A_DATE.format(value) in out
    assert everything() == before
    # The error file names the number the cell held, not the date openpyxl made of it.
    assert errors_of(tmp_path / "mac.xlsx.errors.csv")[0][:3] == ["3", "tanggallahir", str(value)]
    out = run(path, "--village", VILLAGE_A, "--mode", "valid-only")
    assert f"{len(rows) - 1} ditambah" in out and "1 ditolak" in out
    assert not Resident.objects.filter(nik=rows[1][COL["nik"]]).exists()
    assert not Resident.objects.filter(birth_date__lt=datetime.date(1904, 1, 2)).exists()


@pytest.mark.parametrize("value", [32874, 32874.0, "32874"], ids=["int", "float", "text"])
@pytest.mark.parametrize(
    ("epoch", "birth"),
    [
        # QA: 32874 in a number cell of a 1904 workbook came as 1990-01-01.
        (CALENDAR_MAC_1904, datetime.date(1994, 1, 2)),
        (CALENDAR_WINDOWS_1900, datetime.date(1990, 1, 1)),  # as before
    ],
    ids=["1904", "1900"],
)
def test_a_number_cell_is_a_serial_of_the_workbooks_system(tmp_path, epoch, birth, value):
    """A number (or a serial written as text) counts from the workbook's epoch; the date
    cells beside it are read as the dates they show, in either system."""
    path, rows = workbook(tmp_path, epoch, birth, value, date_format=False)
    out = run(path, "--village", VILLAGE_A)
    assert f"{len(rows)} ditambah" in out
    stored = dict(Resident.objects.values_list("nik", "birth_date"))
    assert stored[rows[1][COL["nik"]]] == birth
    for row in rows[:1] + rows[2:]:
        assert str(stored[row[COL["nik"]]]) == row[COL["tanggallahir"]]


def test_qa_file_with_the_nik_of_1903_is_refused(tmp_path):
    """QA's file: one row, -5 formatted yyyy-mm-dd, NIK 6201022712030001, valid-only."""
    row = list(good_rows(1)[0])
    row[COL["nik"]] = "6201022712030001"
    row[COL["sex"]] = "1"
    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    book.active.append(OPENSID_HEADER)
    book.active.append(row)
    cell = book.active.cell(2, COL["tanggallahir"] + 1)
    cell.value = -5
    cell.number_format = "yyyy-mm-dd"
    book.save(tmp_path / "mac.xlsx")
    out = run(tmp_path / "mac.xlsx", "--village", VILLAGE_A, "--mode", "valid-only")
    assert "Baris 2, kolom tanggallahir: tanggal lahir: “-5” bukan tanggal yang sah" in out
    assert not Resident.objects.filter(nik="6201022712030001").exists()
