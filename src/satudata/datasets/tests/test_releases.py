"""Uploading releases: validation reports in Indonesian, datastore tables, versions."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from satudata.datasets.datastore import quote
from satudata.datasets.models import Release
from satudata.datasets.tests.conftest import GOOD_CSV, upload


def table_rows(release: Release) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(release.table_name)}")
        return cursor.fetchone()[0]


def test_a_valid_csv_becomes_a_real_table(cast, dataset, tmp_path):
    release = upload(cast.producer_a, dataset, tmp_path)
    assert release.status == "valid", release.report
    assert release.report["valid"] is True
    assert release.row_count == 3
    assert table_rows(release) == 3


def test_a_second_upload_for_the_period_is_a_new_version_and_keeps_the_first(
    cast, dataset, tmp_path
):
    first = upload(cast.producer_a, dataset, tmp_path)
    second = upload(cast.producer_a, dataset, tmp_path)
    assert (first.version, second.version) == (1, 2)
    assert table_rows(first) == 3 and table_rows(second) == 3


def bad(cast, dataset, tmp_path, content, name="data.csv"):
    release = upload(cast.producer_a, dataset, tmp_path, content=content, name=name)
    assert release.status == "invalid"
    assert release.table_name == ""
    assert Release.objects.filter(dataset=dataset).exclude(status="invalid").count() == 0
    return release.report


HEADER = "kode_wilayah,jenis,jumlah,rasio,tanggal,aktif,keterangan\n"


def test_wrong_types_are_reported_per_row_and_field_in_indonesian(cast, dataset, tmp_path):
    report = bad(
        cast,
        dataset,
        tmp_path,
        HEADER
        + "62.01.02.2016,puskesmas,dua,x,31-01-2024,mungkin,\n"
        + "62.01.02.2016,puskesmas,-1,,,,\n",
    )
    by_field = {(p["row"], p["field"]): p for p in report["problems"]}
    assert by_field[(2, "jumlah")]["value"] == "dua"
    assert "bukan bilangan bulat" in by_field[(2, "jumlah")]["message"]
    assert "Baris 2" in by_field[(2, "jumlah")]["message"]
    assert "bukan angka" in by_field[(2, "rasio")]["message"]
    assert "bukan tanggal" in by_field[(2, "tanggal")]["message"]
    assert "bukan ya/tidak" in by_field[(2, "aktif")]["message"]
    assert "di bawah nilai minimum 0." in by_field[(3, "jumlah")]["message"]  # not 0.0
    assert report["error_count"] == 5


def test_unknown_codes_and_regions_are_reported(cast, dataset, tmp_path):
    report = bad(cast, dataset, tmp_path, HEADER + "99.99.99.9999,klinik,1,,,,\n")
    messages = {p["field"]: p["message"] for p in report["problems"]}
    assert "bukan kode wilayah yang dikenal" in messages["kode_wilayah"]
    assert "bukan kode dalam daftar" in messages["jenis"]


def test_region_codes_without_dots_are_stored_with_them(cast, dataset, tmp_path):
    # Agencies' spreadsheets often drop the dots: 6201022016 is village 62.01.02.2016.
    release = upload(
        cast.producer_a,
        dataset,
        tmp_path,
        content=HEADER + "6201022016,puskesmas,1,,,,\n620102,pustu,2,,,,\n",
    )
    assert release.status == "valid", release.report
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT kode_wilayah FROM {quote(release.table_name)} ORDER BY jumlah")
        assert [row[0] for row in cursor.fetchall()] == ["62.01.02.2016", "62.01.02"]


def test_an_undotted_code_that_is_no_region_is_still_refused(cast, dataset, tmp_path):
    report = bad(cast, dataset, tmp_path, HEADER + "9999999999,puskesmas,1,,,,\n")
    assert report["problems"][0]["value"] == "9999999999"
    assert "bukan kode wilayah yang dikenal" in report["problems"][0]["message"]


def test_an_extra_column_does_not_hide_the_rows_problems(cast, dataset, tmp_path):
    report = bad(
        cast, dataset, tmp_path, HEADER.strip() + ",lain\n62.01.02.2016,puskesmas,abc,,,,,x\n"
    )
    fields = {p["field"] for p in report["problems"]}
    assert fields == {"lain", "jumlah"} and report["error_count"] == 2


def test_missing_required_values_are_reported(cast, dataset, tmp_path):
    report = bad(cast, dataset, tmp_path, HEADER + "62.01.02.2016,,1,,,,\n")
    assert report["problems"][0]["field"] == "jenis"
    assert "wajib diisi" in report["problems"][0]["message"]


def test_missing_required_columns_are_named(cast, dataset, tmp_path):
    report = bad(cast, dataset, tmp_path, "kode_wilayah,jumlah\n62.01.02.2016,1\n")
    assert report["problems"][0]["field"] == "jenis"
    assert "Kolom wajib jenis tidak ada" in report["problems"][0]["message"]


def test_extra_columns_are_named(cast, dataset, tmp_path):
    report = bad(
        cast, dataset, tmp_path, HEADER.strip() + ",nik\n" + "62.01.02.2016,pustu,1,,,,,1\n"
    )
    assert report["problems"][0]["field"] == "nik"
    assert "tidak ada dalam skema" in report["problems"][0]["message"]


@pytest.mark.parametrize("content", ["", "\n", HEADER])
def test_empty_files_are_refused(cast, dataset, tmp_path, content):
    report = bad(cast, dataset, tmp_path, content)
    assert (
        "kosong" in report["problems"][0]["message"]
        or "tidak ada baris" in report["problems"][0]["message"]
    )


def test_a_wrong_encoding_names_the_line(cast, dataset, tmp_path):
    content = (
        HEADER + "62.01.02.2016,pustu,1,,,,Desa Rawa\n"
    ).encode() + "62.01.02.2016,pustu,1,,,,Caf\xe9\n".encode("latin-1")
    report = bad(cast, dataset, tmp_path, content)
    assert "bukan teks UTF-8 (baris 3)" in report["problems"][0]["message"]


def test_a_broken_xlsx_is_refused_with_a_message(cast, dataset, tmp_path):
    report = bad(cast, dataset, tmp_path, b"PK\x03\x04 not really a workbook", name="data.xlsx")
    assert "Excel" in report["problems"][0]["message"]


def test_xlsx_and_json_releases_are_accepted(cast, dataset, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for line in GOOD_CSV.strip().splitlines():
        sheet.append(line.split(",", 6))
    sheet["C2"] = 2  # a real number cell
    # openpyxl would write '=HYPERLINK(…)' as a formula without a stored value, which is
    # refused (test_validation_uploads); here it is the text a formula-looking cell holds.
    sheet["G3"].data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    release = upload(cast.producer_a, dataset, tmp_path, buffer.getvalue(), name="d.xlsx")
    assert release.status == "valid", release.report
    json_text = '[{"kode_wilayah": "62.01.02.2016", "jenis": "rs", "jumlah": 4}]'
    release = upload(cast.producer_a, dataset, tmp_path, json_text, name="d.json")
    assert release.status == "valid", release.report
    assert table_rows(release) == 1


def test_a_producer_cannot_upload_to_another_agencys_dataset(cast, dataset, tmp_path):
    with pytest.raises(PermissionDenied):
        upload(cast.producer_b, dataset, tmp_path)
    assert not Release.objects.exists()
