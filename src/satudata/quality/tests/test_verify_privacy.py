"""What an agency learns from verifying a list: a person's status, dates, KK check and other
programs' lists only when the NIK is registered and the name matches; the screen, the
downloads and the API say exactly the same."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from satudata.accounts.services import create_token
from satudata.conftest import VILLAGE_A
from satudata.quality.models import BeneficiaryList
from satudata.registry.models import Family, Resident

from .helpers import person
from .test_verify import ALIVE, DEAD, MOVED, OTHER_NAME, UNKNOWN, registry, upload  # noqa: F401

KK = "6201021705120001"
WITH_KK = "6201025705900005"


@pytest.fixture
def family(registry):  # noqa: F811 - the fixture
    card = Family.objects.create(family_number=KK, village_id=VILLAGE_A)
    person(WITH_KK, "Wahyuni Usat", family=card)


def screen_rows(client, blist) -> list[list[str]]:
    """The report's rows as shown on the page: row, NIK, name, KK, result, detail, also in."""
    page = client.get(reverse("quality:list", args=[blist.pk])).content.decode()
    rows = re.findall(r"<tr><td>(.*?)</td></tr>", page, re.S)
    return [[html.unescape(c) for c in row.split("</td><td>")] for row in rows]


def download_rows(client, blist) -> tuple[list[list[str]], list[list[str]]]:
    """The CSV's and the XLSX's rows without the header and the program column."""
    url = reverse("quality:download", args=[blist.pk, "csv"])
    body = client.get(url).content.decode("utf-8-sig")
    from_csv = list(csv.reader(io.StringIO(body)))[1:]
    url = reverse("quality:download", args=[blist.pk, "xlsx"])
    sheet = load_workbook(io.BytesIO(client.get(url).content)).active
    from_xlsx = [[c or "" for c in r] for r in sheet.iter_rows(min_row=2, values_only=True)]
    drop = [[c for i, c in enumerate(r) if i != 4] for r in from_csv]
    return drop, [[c for i, c in enumerate(r) if i != 4] for r in from_xlsx]


def api_client(user) -> Client:
    key = create_token(user, "aplikasi")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="id")


def test_a_wrong_name_reveals_neither_death_nor_moving_out(clients, cast, registry):  # noqa: F811
    text = f"NIK,Nama\n{DEAD},Siapa Saja\n{MOVED},X\n{DEAD},Rahmawati\n"
    # DEAD twice: the second is "listed twice"; the right name in a fresh list gives the date.
    upload(clients["producer_b"], text=text)
    blist = BeneficiaryList.objects.get()
    got = list(blist.beneficiaries.order_by("row").values_list("result", "detail"))
    mismatch = "Nama berbeda dengan nama yang terdaftar untuk NIK ini."
    assert got[:2] == [("name_mismatch", mismatch), ("name_mismatch", mismatch)]
    assert blist.summary["dead"] == 0 and blist.summary["moved"] == 0
    shown = screen_rows(clients["producer_b"], blist)
    from_csv, from_xlsx = download_rows(clients["producer_b"], blist)
    api = api_client(cast.producer_b).get(f"/api/v1/beneficiary-lists/{blist.pk}").json()
    for surface in (str(shown), str(from_csv), str(from_xlsx), str(api)):
        assert "04-03-2025" not in surface
        assert "meninggal" not in surface.lower() and "pindah" not in surface.lower()
    upload(clients["producer_b"], text=f"NIK,Nama\n{DEAD},rahmawati\n{MOVED},YULIANA\n")
    right = BeneficiaryList.objects.order_by("-id").first().beneficiaries.order_by("row")
    assert [(b.result, b.detail) for b in right] == [
        ("dead", "Meninggal pada 04-03-2025."),
        ("moved", "Tercatat pindah keluar."),
    ]


def test_other_programs_show_only_for_registered_niks_with_matching_names(
    clients,
    cast,
    family,
):
    # Dinsos's PKH list holds every NIK, whatever its result there.
    pkh = "\n".join(
        [
            "NIK,Nama",
            f"{UNKNOWN},Siapa",
            f"{OTHER_NAME},Dewi Lestari",
            f"{DEAD},Rahmawati",
            f"{ALIVE},Siti Aminah",
            f"{WITH_KK},Wahyuni Usat",
        ]
    )
    upload(clients["producer_b"], text=pkh + "\n", program="PKH")
    # Dinkes holds some of the NIKs, with right and wrong names and KK numbers.
    mine = "\n".join(
        [
            "NIK,Nama,no_kk",
            f"{UNKNOWN},Siapa,",  # not in the registry
            f"{OTHER_NAME},Budi Santoso,",  # wrong name
            f"{DEAD},Siapa Saja,",  # wrong name of a dead person
            f"{ALIVE},Siti Aminah,",  # right
            f"{WITH_KK},Wahyuni Usat,9999999999999999",  # right name, wrong KK
            f"{WITH_KK},Wahyuni Usat,{KK}",  # listed twice
        ]
    )
    response = upload(clients["producer_a"], text=mine + "\n", program="BLT")
    assert response.status_code == 302
    blist = BeneficiaryList.objects.get(program="BLT")
    rows = blist.beneficiaries.order_by("row")
    assert [(b.result, b.other_programs) for b in rows] == [
        ("not_found", ""),
        ("name_mismatch", ""),
        ("name_mismatch", ""),
        ("eligible", "PKH"),
        ("kk_mismatch", "PKH"),
        ("duplicate", ""),
    ]
    assert blist.summary["other_program"] == 2

    # The screen, the CSV, the XLSX and the API give the same rows.
    shown = screen_rows(clients["producer_a"], blist)
    from_csv, from_xlsx = download_rows(clients["producer_a"], blist)
    assert shown == from_csv == from_xlsx
    assert shown[4] == [
        "6",
        WITH_KK,
        "Wahyuni Usat",
        "9999999999999999",
        "No. KK tidak cocok dengan data kependudukan",
        "No. KK berbeda dengan kartu keluarga yang terdaftar untuk NIK ini.",
        "PKH",
    ]
    api = api_client(cast.producer_a).get(f"/api/v1/beneficiary-lists/{blist.pk}").json()
    from_api = [
        [
            str(b["row"]),
            b["nik"],
            b["name"],
            b["family_number"],
            b["detail"],
            b["other_programs"],
        ]
        for b in api["beneficiaries"]
    ]
    assert from_api == [[r[0], r[1], r[2], r[3], r[5], r[6]] for r in shown]
    assert [b["result"] for b in api["beneficiaries"]][4] == "kk_mismatch"
    assert api["summary"]["kk_mismatch"] == 1


def test_a_kk_number_is_compared_only_when_given_and_only_for_a_matching_name(
    clients,
    family,
):
    text = "\n".join(
        [
            "NIK;Nama;No KK",
            f"{WITH_KK};Wahyuni Usat;{KK}",
            f"{ALIVE};Siti Aminah;",  # no KK given: not checked
            f"{OTHER_NAME};Budi Santoso;9999999999999999",  # wrong name: no word on the KK
            f"{MOVED};Yuliana;9999999999999999",  # moved out matters more than the KK
        ]
    )
    upload(clients["producer_a"], text=text + "\n")
    rows = BeneficiaryList.objects.get().beneficiaries.order_by("row")
    assert [(b.family_number, b.result) for b in rows] == [
        (KK, "eligible"),
        ("", "eligible"),
        ("9999999999999999", "name_mismatch"),
        ("9999999999999999", "moved"),
    ]
    upload(clients["producer_a"], text=f"NIK,Nama,No KK\n{ALIVE},Siti Aminah,{KK}\n")
    # A resident on no family card: a KK number given for them cannot be confirmed.
    assert Resident.objects.get(nik=ALIVE).family_id is None
    latest = BeneficiaryList.objects.order_by("-id").first()
    assert latest.beneficiaries.get().result == "kk_mismatch"
    page = clients["producer_a"].get(reverse("quality:list", args=[latest.pk])).content.decode()
    assert "No. KK tidak cocok dengan data kependudukan</a></th><td>1</td>" in page
    filtered = clients["producer_a"].get(
        reverse("quality:list", args=[latest.pk]) + "?result=kk_mismatch"
    )
    assert re.findall(r"<tr><td>(\d+)</td>", filtered.content.decode()) == ["2"]


def test_lists_verified_before_the_rule_forget_what_it_no_longer_allows(db):
    import importlib

    from django.apps import apps

    from satudata.quality.models import Beneficiary, BeneficiaryList
    from satudata.quality.tests.helpers import person

    forget = importlib.import_module(
        "satudata.quality.migrations.0004_forget_what_old_aid_lists_leaked"
    ).forget
    agus = person("6201021108640012", "Agus Goenawan", status=2)
    old = BeneficiaryList.objects.create(program="PKH", rows=3, summary={"dead": 2})
    rows = [
        # An agency that sent only the NIK and any name learnt of the death and its date.
        ("6201021108640012", "Siapa Saja", "dead", "Meninggal pada 05-03-2024.", "BPNT"),
        ("6201021108640012", "Agus Gunawan", "dead", "Meninggal pada 05-03-2024.", "BPNT"),
        ("6201020101900099", "Siapa", "not_found", "", "BPNT"),
    ]
    for row, (nik, name, result, detail, others) in enumerate(rows, start=2):
        Beneficiary.objects.create(
            beneficiary_list=old, row=row, nik=nik, name=name, result=result, detail=detail,
            other_programs=others, resident=agus if result == "dead" else None,
        )  # fmt: skip
    forget(apps, None)
    stored = {b.row: (b.result, b.detail, b.other_programs) for b in old.beneficiaries.all()}
    assert stored[2][0] == "name_mismatch" and "05-03-2024" not in stored[2][1]
    assert stored[2][2] == "" and stored[4] == ("not_found", "", "")
    assert stored[3] == ("dead", "Meninggal pada 05-03-2024.", "BPNT")  # a matching name keeps it
    old.refresh_from_db()
    assert old.summary["name_mismatch"] == 1 and old.summary["dead"] == 1
    assert old.summary["other_program"] == 1 and old.summary["total"] == 3
