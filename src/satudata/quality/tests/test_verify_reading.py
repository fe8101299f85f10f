"""Aid lists as people make them: formulas in XLSX cells, blank lines before the header, tabs,
data on another sheet; and the API's report a page at a time."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from satudata.accounts.services import create_token
from satudata.quality.models import Beneficiary, BeneficiaryList

from .test_verify import ALIVE, DEAD, csv_file, registry, upload  # noqa: F401 - the fixture


def workbook(*sheets: list[list], cached: dict[str, str] | None = None) -> bytes:
    """An XLSX with these sheets of rows. openpyxl saves formulas without their results, as
    a program would; `cached` gives results as a spreadsheet program saves them (cell: text)."""
    book = Workbook()
    book.active.title = "Sheet1"
    for i, rows in enumerate(sheets):
        sheet = book.active if i == 0 else book.create_sheet(f"Sheet{i + 1}")
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    if not cached:
        return out.getvalue()
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                for cell, value in cached.items():
                    start = data.index(f'<c r="{cell}"'.encode())
                    end = data.index(b"</c>", start)
                    formula = data[start:end].split(b"<f>", 1)[1].split(b"</f>", 1)[0]
                    saved = f'<c r="{cell}" t="str"><f>'.encode() + formula
                    saved += f"</f><v>{value}</v>".encode()
                    data = data[:start] + saved + data[end:]
            target.writestr(item, data)
    return patched.getvalue()


def send(client, data: bytes, name: str = "daftar.xlsx"):
    return client.post(
        reverse("quality:lists"), {"program": "PKH", "file": SimpleUploadedFile(name, data)}
    )


def results() -> list[tuple[int, str]]:
    return list(Beneficiary.objects.order_by("row").values_list("row", "result"))


def test_xlsx_formulas_are_read_as_the_values_they_show(clients, registry):  # noqa: F811
    data = workbook(
        [["NIK", "Nama"], [f'="{ALIVE}"', '=CONCAT("Siti ","Aminah")']],
        cached={"A2": ALIVE, "B2": "Siti Aminah"},
    )
    assert send(clients["producer_a"], data).status_code == 302
    assert results() == [(2, "eligible")]
    assert Beneficiary.objects.get().nik == ALIVE


def test_a_formula_saved_without_its_value_is_refused_naming_row_and_column(
    clients,
    registry,  # noqa: F811
):
    data = workbook([["NIK", "Nama", "Catatan"], [ALIVE, "Siti Aminah", ""], [f'="{DEAD}"', "R"]])
    response = send(clients["producer_a"], data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Baris 3, kolom A (NIK) berisi rumus yang nilainya tidak tersimpan" in page
    assert not BeneficiaryList.objects.exists()
    # Formulas in a column not read, in the optional no_kk, or filled down in rows that show
    # nothing are left alone.
    rows = [["NIK", "Nama", "Catatan", "no_kk"], [ALIVE, "Siti Aminah", "=1+1", '=IF(1,"","")']]
    rows += [['=IF(B4="","",B4)', '=IF(C4="","",C4)']] * 3
    assert send(clients["producer_a"], workbook(rows)).status_code == 302
    assert results() == [(2, "eligible")]
    assert Beneficiary.objects.get().family_number == ""


@pytest.mark.parametrize(
    "text",
    [
        f"\n\nNIK,Nama\n{ALIVE},Siti Aminah\n",
        f",,\n;;\n\t\nNIK;Nama;No KK\n{ALIVE};Siti Aminah;\n",
        f'"",""\r\n  \r\nNIK,Nama\r\n{ALIVE},Siti Aminah\r\n',
    ],
)
def test_blank_lines_before_the_header_are_skipped(clients, registry, text):  # noqa: F811
    assert upload(clients["producer_a"], text=text).status_code == 302
    header = 3 if text.startswith(('"', "\n")) else 4
    assert results() == [(header + 1, "eligible")]


def test_a_file_without_a_header_or_only_separators_is_named(clients, registry):  # noqa: F811
    response = upload(clients["producer_a"], text=f"\n{ALIVE},Siti Aminah\n")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Kolom wajib NIK, nama tidak ada" in page
    assert "Judul kolom harus berada di baris pertama yang tidak kosong (baris 2" in page
    response = upload(clients["producer_a"], text=",,\n;;\n")
    assert response.status_code == 400 and "Berkas kosong." in response.content.decode()
    assert not BeneficiaryList.objects.exists()


def test_tab_separated_lists_are_read(clients, registry):  # noqa: F811
    text = f"NIK\tNama\tNo KK\n{ALIVE}\tSiti Aminah, S.Pd\t\n{DEAD}\tRahmawati\t\n"
    assert upload(clients["producer_a"], text=text, name="penerima.txt").status_code == 302
    assert results() == [(2, "eligible"), (3, "dead")]


def test_an_unknown_separator_is_named(clients, registry):  # noqa: F811
    response = upload(clients["producer_a"], text=f"NIK|Nama\n{ALIVE}|Siti Aminah\n")
    assert response.status_code == 400
    assert "Pisahkan kolom dengan koma, titik koma, atau tab." in response.content.decode()


def test_only_the_first_sheet_is_read_and_a_refusal_says_so(clients, registry):  # noqa: F811
    data = workbook([], [["NIK", "Nama"], [ALIVE, "Siti Aminah"]])
    response = send(clients["producer_a"], data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Berkas kosong. Hanya lembar pertama buku kerja (“Sheet1”) yang dibaca." in page
    data = workbook([["Petunjuk pengisian"]], [["NIK", "Nama"], [ALIVE, "Siti Aminah"]])
    page = send(clients["producer_a"], data).content.decode()
    assert "Kolom wajib NIK, nama tidak ada" in page
    assert "Hanya lembar pertama buku kerja (“Sheet1”) yang dibaca." in page
    assert not BeneficiaryList.objects.exists()


def test_the_api_gives_the_report_a_page_at_a_time(cast, registry):  # noqa: F811
    key = create_token(cast.producer_b, "dinsos-app")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="en")
    lines = ["NIK,Nama", f"{ALIVE},Siti Aminah"] + [f"123{i},Orang {i}" for i in range(2499)]
    text = "\n".join(lines) + "\n"
    response = client.post("/api/v1/beneficiary-lists", {"program": "PKH", "file": csv_file(text)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["count"], body["limit"], body["offset"], body["rows"]) == (2500, 1000, 0, 2500)
    assert len(body["beneficiaries"]) == 1000 and body["beneficiaries"][0]["row"] == 2
    url = f"/api/v1/beneficiary-lists/{body['id']}"
    last = client.get(url, {"limit": 10, "offset": 2495}).json()
    assert [b["row"] for b in last["beneficiaries"]] == [2497, 2498, 2499, 2500, 2501]
    assert last["count"] == 2500
    only = client.get(url, {"result": "eligible"}).json()
    assert only["count"] == 1 and [b["nik"] for b in only["beneficiaries"]] == [ALIVE]
    assert len(client.get(url, {"limit": 10_000}).json()["beneficiaries"]) == 2500
    for bad in ({"limit": 10_001}, {"limit": 0}, {"offset": -1}, {"offset": 10**20}):
        assert client.get(url, bad).status_code == 400, bad
