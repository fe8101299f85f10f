"""Upload validation through the workspace form: hostile or odd files get one clear Indonesian
message naming row and column, never a server error and never a silent change."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from satudata.datasets import xlsx_read
from satudata.datasets.models import Release
from satudata.datasets.tests.conftest import GOOD_CSV

HEADER = ["kode_wilayah", "jenis", "jumlah", "rasio", "tanggal", "aktif", "keterangan"]
ROW = ["62.01.02.2016", "puskesmas", 2, 0.5, "2024-01-31", "ya", "Natai Raya"]


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def post(clients, dataset, name: str, content: bytes | str):
    if isinstance(content, str):
        content = content.encode()
    response = clients["producer_a"].post(
        f"/workspace/datasets/{dataset.slug}/upload/",
        {"year": "2024", "file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def latest(dataset) -> Release:
    return dataset.releases.order_by("-created_at", "-version").first()


def test_an_honest_xlsx_is_read_in_blocks_in_order(clients, dataset, monkeypatch):
    monkeypatch.setattr(xlsx_read, "ROWS_PER_FRAME", 2)
    rows = [[*ROW[:2], n, *ROW[3:]] for n in range(5)]
    post(clients, dataset, "d.xlsx", xlsx([HEADER, *rows]))
    release = latest(dataset)
    assert release.status == Release.Status.VALID, release.report
    assert release.row_count == 5


def test_an_xlsx_that_unpacks_beyond_the_cap_is_refused_before_reading(
    clients, dataset, settings, monkeypatch
):
    settings.SATUDATA_XLSX_MAX_UNPACKED = 1 << 20
    rows = [ROW] * 20_000  # about 2 MB of sheet XML
    text = post(clients, dataset, "d.xlsx", xlsx([HEADER, *rows]))
    assert "Berkas Excel berukuran" in text and "melebihi batas 1 MB" in text
    assert latest(dataset).status == Release.Status.INVALID


def test_a_zip_bomb_is_refused_by_its_compression_ratio(clients, dataset, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the sheet must not be read")

    monkeypatch.setattr("python_calamine.CalamineWorkbook.from_path", never)
    good = zipfile.ZipFile(io.BytesIO(xlsx([HEADER, ROW])))
    bomb = io.BytesIO()
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in good.infolist():
            if member.filename == "xl/worksheets/sheet1.xml":
                with archive.open(member.filename, "w", force_zip64=True) as sheet:
                    sheet.write(
                        b'<worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main"><sheetData>'
                    )
                    for _ in range(50):
                        sheet.write(row * 10_000)  # 25 MB in all
                    sheet.write(b"</sheetData></worksheet>")
            else:
                archive.writestr(member, good.read(member))
    text = post(clients, dataset, "bomb.xlsx", bomb.getvalue())
    assert "Simpan lembar itu sebagai CSV UTF-8" in text
    assert latest(dataset).status == Release.Status.INVALID


def test_an_xlsx_with_more_rows_than_allowed_is_refused(clients, dataset, settings):
    settings.SATUDATA_XLSX_MAX_ROWS = 3
    text = post(clients, dataset, "d.xlsx", xlsx([HEADER, *([ROW] * 4)]))
    assert "Lembar kerja memiliki 5 baris; paling banyak 3 yang diterima." in text


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("d.csv", GOOD_CSV.replace("keterangan\n", "Jumlah \n", 1)),
        ("d.xlsx", xlsx([[*HEADER[:3], "Jumlah ", *HEADER[4:]], ROW])),
    ],
)
def test_headers_differing_only_in_case_or_spaces_are_named(clients, dataset, name, content):
    text = post(clients, dataset, name, content)
    letter = "G" if name.endswith("csv") else "D"
    assert f"Kolom jumlah muncul dua kali (kolom C dan {letter})." in text
    assert latest(dataset).status == Release.Status.INVALID


def test_a_duplicate_csv_column_says_so_not_duplicated_0(clients, dataset):
    content = GOOD_CSV.replace("keterangan\n", "jumlah\n", 1)
    text = post(clients, dataset, "d.csv", content)
    assert "Kolom jumlah muncul dua kali (kolom C dan G)." in text
    assert "duplicated" not in text


def test_duplicate_and_unnamed_xlsx_headers_are_never_dropped(clients, dataset):
    header = [*HEADER, "jumlah", None, "", "keterangan"]
    text = post(clients, dataset, "d.xlsx", xlsx([header, [*ROW, 999, 1, 2, "x"]]))
    assert "Kolom H tidak bernama." not in text  # H holds "jumlah"
    assert "Kolom I tidak bernama." in text and "Kolom J tidak bernama." in text
    assert "Kolom jumlah muncul dua kali (kolom C dan H)." in text
    assert "Kolom keterangan muncul dua kali (kolom G dan K)." in text
    assert latest(dataset).status == Release.Status.INVALID


def test_a_pattern_rust_regex_cannot_run_gives_a_message_not_a_500(clients, dataset):
    # Saved before such patterns were refused at save time.
    dataset.fields.filter(name="keterangan").update(pattern=r"(?!0000)\w+")
    text = post(clients, dataset, "d.csv", GOOD_CSV)
    assert "Kolom keterangan: pola (?!0000)\\w+ memakai fitur" in text
    assert latest(dataset).status == Release.Status.INVALID


@pytest.mark.parametrize("value", ["NaN", "nan", "inf", "-Infinity", "INF", "1e400"])
def test_nan_and_infinity_are_not_numbers(clients, dataset, value):
    content = GOOD_CSV.replace(",0.5,", f",{value},")
    text = post(clients, dataset, "d.csv", content)
    assert f"Baris 2, Rasio: '{value}' bukan angka." in text
    assert latest(dataset).status == Release.Status.INVALID


def test_formula_cells_without_stored_values_are_named(clients, dataset):
    rows = [HEADER, [*ROW[:2], "=2*3", "=SUM(1,2)", *ROW[4:]]]
    text = post(clients, dataset, "d.xlsx", xlsx(rows))
    message = (
        "sel berisi rumus tanpa nilai tersimpan; buka dan simpan ulang berkas di Excel atau "
        "tempel sel sebagai nilai."
    )
    assert f"Baris 2, Jumlah: '' {message}" in text
    assert f"Baris 2, Rasio: '' {message}" in text
    assert "wajib diisi" not in text and "bukan angka" not in text


def test_xlsx_text_cells_keep_time_booleans_and_inner_spaces(client, cast, dataset, tmp_path):
    from satudata.datasets import services

    rows = [
        HEADER,
        [*ROW[:6], datetime.datetime(2024, 5, 6, 7, 8, 9)],
        [*ROW[:6], True],
        [*ROW[:6], "  spasi  di   tengah  "],
    ]
    path = tmp_path / "d.xlsx"
    path.write_bytes(xlsx(rows))
    release = services.upload_release(
        cast.producer_a, dataset, path=path, fmt="xlsx", year=2024, source_name="d.xlsx"
    )
    assert release.status == Release.Status.VALID, release.report
    from satudata.datasets.query import search_release

    values = [r[-1] for r in search_release(release)["records"]]
    # Edges are trimmed (as for CSV and JSON); what is inside stays.
    assert values == ["2024-05-06 07:08:09", "TRUE", "spasi  di   tengah"]


def test_a_long_row_names_its_line_in_indonesian(clients, dataset):
    content = GOOD_CSV.replace("Natai Raya\n", "Natai Raya,LEBIH\n")
    text = post(clients, dataset, "d.csv", content)
    assert "Baris 2 memiliki 8 kolom, judul memiliki 7." in text
    assert "Consider" not in text


def test_a_long_row_with_quoted_cells_names_its_line(clients, dataset):
    content = GOOD_CSV + '62.01.02.2016,rs,1,,2024-01-01,ya,"a, b",LEBIH\n'
    text = post(clients, dataset, "d.csv", content)
    assert "Baris 5 memiliki 8 kolom, judul memiliki 7." in text


def test_a_short_row_is_named_not_padded(clients, dataset):
    content = GOOD_CSV + "62.01.02.2016,rs,1\n"
    text = post(clients, dataset, "d.csv", content)
    assert "Baris 5 memiliki 3 kolom, judul memiliki 7." in text


def test_a_tab_separated_file_is_read(clients, dataset):
    content = GOOD_CSV.replace('=HYPERLINK("http://x")', "x").replace(",", "\t")
    post(clients, dataset, "d.csv", content)
    assert latest(dataset).status == Release.Status.VALID, latest(dataset).report


def test_a_blank_line_is_one_message(clients, dataset):
    lines = GOOD_CSV.splitlines(keepends=True)
    content = lines[0] + lines[1] + "\n" + ",,,,,,\n" + "".join(lines[2:])
    text = post(clients, dataset, "d.csv", content)
    assert "Baris 3 kosong; hapus baris itu." in text
    assert "Baris 4 kosong; hapus baris itu." in text
    assert "wajib diisi" not in text
    assert latest(dataset).report["error_count"] == 2


def test_t_is_not_read_as_false(clients, dataset):
    text = post(clients, dataset, "d.csv", GOOD_CSV.replace(",ya,", ",t,"))
    assert "Baris 2, Aktif: 't' bukan ya/tidak" in text
