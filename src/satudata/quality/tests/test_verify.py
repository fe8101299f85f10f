"""Aid-recipient list verification: upload by page or API, report, downloads, bad input."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from satudata.conftest import VILLAGE_B
from satudata.quality.models import Beneficiary, BeneficiaryList
from satudata.registry.models import LifeEvent, Resident

from .helpers import person

ALIVE = "6201025705900001"
DEAD = "6201025705900002"
MOVED = "6201025705900003"
OTHER_NAME = "6201025705900004"
UNKNOWN = "6201025705900099"


@pytest.fixture
def registry(cast):
    person(ALIVE, "Siti Aminah")
    dead = person(DEAD, "Rahmawati", VILLAGE_B, status=Resident.Status.DEAD)
    LifeEvent.objects.create(
        resident=dead, village_id=VILLAGE_B, kind="death", date=datetime.date(2025, 3, 4)
    )
    person(MOVED, "Yuliana", status=Resident.Status.MOVED)
    person(OTHER_NAME, "Dewi Lestari")


def csv_file(text: str, name: str = "penerima.csv", encoding: str = "utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


GOOD = (
    "NIK,Nama,No KK\n"
    f"{ALIVE},SITI AMINAH,\n"
    f"{DEAD},Rahmawati,\n"
    f"{MOVED},Yuliana,\n"
    f"{OTHER_NAME},Budi Santoso,\n"
    f"{UNKNOWN},Siapa Saja,\n"
    "12345,Salah NIK,\n"
    f"{ALIVE},Siti Aminah,\n"
)


def upload(client, text=GOOD, program="PKH", **kw):
    return client.post(reverse("quality:lists"), {"program": program, "file": csv_file(text, **kw)})


def test_producer_gets_a_report_row_by_row(clients, registry):
    response = upload(clients["producer_b"])
    assert response.status_code == 302
    blist = BeneficiaryList.objects.get()
    results = dict(blist.beneficiaries.values_list("row", "result"))
    assert results == {
        2: "eligible",
        3: "dead",
        4: "moved",
        5: "name_mismatch",
        6: "not_found",
        7: "invalid",
        8: "duplicate",
    }
    assert blist.summary["eligible"] == 1 and blist.summary["total"] == 7
    page = clients["producer_b"].get(response["Location"]).content.decode()
    assert "04-03-2025" in page  # the date of death
    assert "Dewi Lestari" not in page  # the registry's spelling is never shown to the agency


def test_a_nik_on_another_programs_list_is_flagged(clients, registry):
    upload(clients["producer_b"], program="BLT Dana Desa")
    upload(clients["custodian"], program="PKH")
    latest = BeneficiaryList.objects.order_by("-id").first()
    row = latest.beneficiaries.get(row=2)
    assert row.other_programs == "BLT Dana Desa"
    assert latest.summary["other_program"] >= 1


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        ("Nomor,Alamat\n1,Jl. Mawar\n", {}, "Kolom wajib NIK, nama tidak ada"),
        (f"NIK,Nama\n{ALIVE},Siti Aminah\n", {"encoding": "cp1252"}, None),
        ("NIK,Nama\n6201025705900001,Siti Äminah\n", {"encoding": "latin-1"}, "bukan teks UTF-8"),
        ("NIK,Nama\n", {}, "tidak ada baris"),
    ],
)
def test_unreadable_lists_give_a_clear_message_and_store_nothing(
    clients, registry, text, kwargs, message
):
    response = upload(clients["producer_a"], text=text, **kwargs)
    if message is None:  # plain ASCII is valid UTF-8 whatever the declared encoding
        assert response.status_code == 302
        return
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not BeneficiaryList.objects.exists() and not Beneficiary.objects.exists()


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_ends_are_read_row_by_row(clients, registry, newline):
    text = newline.join(["NIK,Nama", f"{ALIVE},Siti Aminah", "9999995705900001,Budi", ""])
    assert upload(clients["producer_a"], text=text).status_code == 302
    rows = BeneficiaryList.objects.get().beneficiaries.order_by("row")
    assert [(r.row, r.result) for r in rows] == [(2, "eligible"), (3, "invalid")]


def test_invalid_niks_name_the_problem(clients, registry):
    upload(clients["producer_a"], text="NIK,Nama\n62010257059X0001,Siti\n9999995705900001,Siti\n")
    rows = Beneficiary.objects.order_by("row")
    assert [r.result for r in rows] == ["invalid", "invalid"]
    assert "angka" in rows[0].detail and "6 digit pertama" in rows[1].detail


def test_formulas_in_cells_are_neutralised_in_downloads(clients, registry):
    text = f'NIK,Nama\n"=HYPERLINK(""http://x"")",=1+2\n{ALIVE},"@SUM(A1)"\n'
    upload(clients["producer_a"], text=text)
    blist = BeneficiaryList.objects.get()
    assert blist.beneficiaries.get(row=2).result == "invalid"
    csv_body = (
        clients["producer_a"]
        .get(reverse("quality:download", args=[blist.pk, "csv"]))
        .content.decode("utf-8-sig")
    )
    assert "'=HYPERLINK" in csv_body and "'=1+2" in csv_body and "'@SUM" in csv_body
    xlsx = clients["producer_a"].get(reverse("quality:download", args=[blist.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in values)
    assert "'=1+2" in values


def test_xlsx_lists_are_read(clients, registry):
    book = Workbook()
    sheet = book.active
    sheet.append(["NIK", "Nama", "Program"])
    sheet.append([int(ALIVE), "Siti Aminah", "PKH"])  # typed as a number in Excel
    sheet.append([DEAD, "Rahmawati", "PKH"])
    out = io.BytesIO()
    book.save(out)
    upload_file = SimpleUploadedFile("daftar.xlsx", out.getvalue())
    response = clients["producer_a"].post(
        reverse("quality:lists"), {"program": "PKH", "file": upload_file}
    )
    assert response.status_code == 302
    assert list(Beneficiary.objects.order_by("row").values_list("result", flat=True)) == [
        "eligible",
        "dead",
    ]


@pytest.mark.parametrize("who", ["operator_a", "district_viewer"])
def test_villages_and_districts_cannot_verify_lists(clients, registry, who):
    assert clients[who].get(reverse("quality:lists")).status_code == 403
    assert upload(clients[who]).status_code == 403
    assert not BeneficiaryList.objects.exists()


def test_anonymous_is_sent_to_login(clients, registry):
    assert clients["anonymous"].get(reverse("quality:lists")).status_code == 302


def test_an_agency_cannot_read_another_agencys_list(clients, registry):
    upload(clients["producer_b"])
    blist = BeneficiaryList.objects.get()
    for url in (
        reverse("quality:list", args=[blist.pk]),
        reverse("quality:download", args=[blist.pk, "csv"]),
    ):
        assert clients["producer_a"].get(url).status_code == 404
        assert clients["custodian"].get(url).status_code == 200
    api = clients["producer_a"].get(f"/api/v1/beneficiary-lists/{blist.pk}")
    assert api.status_code == 404


def test_api_upload_returns_the_report(cast, registry):
    from satudata.accounts.services import create_token

    key = create_token(cast.producer_b, "dinsos-app")[1]
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/api/v1/beneficiary-lists", {"program": "PKH", "file": csv_file(GOOD)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["summary"]["dead"] == 1
    assert [b["result"] for b in body["beneficiaries"]][:2] == ["eligible", "dead"]
    assert "Dewi Lestari" not in response.content.decode()
    bad = client.post(
        "/api/v1/beneficiary-lists", {"program": "PKH", "file": csv_file("a,b\n1,2\n")}
    )
    assert bad.status_code == 400 and "Required column" in bad.json()["detail"]
    assert Client().post("/api/v1/beneficiary-lists", {"program": "x"}).status_code == 401
