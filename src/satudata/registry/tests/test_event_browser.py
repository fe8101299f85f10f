"""An operator splits a family card on a phone, in a real headless Chromium."""

from __future__ import annotations

import datetime

import pytest

from satudata.core.tests.test_browser import (  # noqa: F401 - fixtures
    CHROMIUM,
    fits_the_phone,
    log_in,
    page,
    regions_loaded,
    village_operator,
)
from satudata.registry.tests.helpers import kk_for, resident_data, write_opensid_file

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


def test_an_operator_splits_a_family_on_a_phone(page, regions_loaded):  # noqa: F811
    from satudata.registry import services
    from satudata.registry.models import Family

    operator = village_operator()
    village = operator.region
    family = services.register_family(operator, village, kk_for(serial=41))
    services.register_resident(operator, village, resident_data(name="Budi", sex=1), family=family)
    son = services.register_resident(
        operator,
        village,
        resident_data(name="Andi", sex=1, relationship=4, birth_date=datetime.date(1998, 2, 3)),
        family=family,
    )
    log_in(page, operator.username)
    page.goto(f"{page.base_url}/registry/families/{family.pk}/")
    page.click("text=Pisah KK")
    page.check(f"input[name=members][value='{son.pk}']")
    page.select_option("select[name=new_head]", str(son.pk))
    number = kk_for(serial=42)
    page.fill("input[name=family_number]", number)
    assert fits_the_phone(page)
    page.click("form.card button[type=submit]")
    assert number in page.inner_text("h1")
    assert "Andi" in page.inner_text("main") and "Kepala Keluarga" in page.inner_text("main")
    son.refresh_from_db()
    assert son.family == Family.objects.get(family_number=number)
    assert fits_the_phone(page)


def test_an_operator_reads_an_imports_errors_on_a_phone(
    page,  # noqa: F811
    regions_loaded,  # noqa: F811
    settings,
    tmp_path,
):
    from satudata.registry.exporter import OPENSID_HEADER
    from satudata.registry.models import Resident
    from satudata.registry.synthetic import Generator, opensid_rows

    settings.SATUDATA_IMPORT_INLINE = True  # the job runs when the upload's request commits
    operator = village_operator()
    rows = list(opensid_rows(Generator(5).families([operator.region_id], 6)))
    rows[1][OPENSID_HEADER.index("tanggallahir")] = "30/02/1990"
    upload = write_opensid_file(tmp_path / "warga.csv", rows)
    log_in(page, operator.username)
    page.goto(page.base_url + "/registry/import/")
    page.set_input_files("input[type=file]", str(upload))
    page.click("form.card button[type=submit]")
    page.wait_for_selector("table.stacked")
    assert "Tidak ada yang disimpan" in page.inner_text("main")
    message = page.locator("table.stacked td[data-label=Pesan]").first
    assert "30/02/1990" in message.inner_text() and "bukan tanggal yang sah" in message.inner_text()
    # On a phone each error is a card of labelled lines, not a squeezed table.
    assert message.evaluate("cell => getComputedStyle(cell).display") == "block"
    assert page.locator("table.stacked thead").is_hidden()
    assert fits_the_phone(page)
    assert Resident.objects.count() == 0


def test_the_population_pyramid_is_legible_on_a_phone(page, regions_loaded):  # noqa: F811
    from satudata.registry import services

    operator = village_operator()
    village = operator.region
    family = services.register_family(operator, village, kk_for(serial=43))
    for serial, (sex, year) in enumerate([(1, 1960), (2, 1962), (1, 1990), (2, 1992)], start=1):
        born = datetime.date(year, 3, serial)
        services.register_resident(
            operator,
            village,
            resident_data(
                name=f"Warga {serial}",
                sex=sex,
                birth_date=born,
                relationship=1 if serial == 1 else 4,
            ),
            family=family,
        )
    page.goto(f"{page.base_url}/statistics/population/{village.code[:5]}/")
    assert fits_the_phone(page)
    heights = page.locator("figure.pyramid svg text").evaluate_all(
        "texts => texts.map(t => t.getBoundingClientRect().height)"
    )
    # 16 age groups (0-4 … 75+), each with its label and two counts, none below ~10 px.
    assert len(heights) == 16 * 3 and min(heights) >= 10, heights
    # Only aggregates: 2 men and 2 women cannot be protected, so their counts are hidden.
    assert "*" in page.inner_text("figure.pyramid")


def test_an_operator_exports_one_rt_as_xlsx_on_a_phone(page, regions_loaded, tmp_path):  # noqa: F811
    import openpyxl

    from satudata.regions.services import add_local_unit
    from satudata.registry import services

    operator = village_operator()
    village = operator.region
    hamlet = add_local_unit(operator, village, "hamlet", "Dusun Mawar")
    rw = add_local_unit(operator, village, "rw", "003", hamlet.pk)
    rts = [add_local_unit(operator, village, "rt", f"00{n}", rw.pk) for n in (1, 2)]
    inside = services.register_resident(operator, village, resident_data(name="Ani"), unit=rts[1])
    services.register_resident(operator, village, resident_data(name="Budi", sex=1), unit=rts[0])
    log_in(page, operator.username)
    page.goto(f"{page.base_url}/registry/")
    page.click("main >> text=Ekspor")
    page.select_option("select[name=rt]", label="Dusun Mawar / RW 003 / RT 002")
    page.check("input[name=type][value=xlsx]")
    assert fits_the_phone(page)
    with page.expect_download() as download:
        page.click("text=Unduh")
    name = download.value.suggested_filename
    assert name == f"penduduk-{village.code}-dusun-mawar-rw-003-rt-002-opensid.xlsx"
    download.value.save_as(tmp_path / name)
    sheet = openpyxl.load_workbook(tmp_path / name).active
    header, *rows = list(sheet.values)
    assert [row[header.index("nik")] for row in rows] == [inside.nik]
    assert rows[0][header.index("rt")] == "002" and rows[0][header.index("rw")] == "003"


def test_a_death_is_recorded_only_after_the_operator_confirms_it(page, regions_loaded):  # noqa: F811
    from satudata.registry import services
    from satudata.registry.models import Resident

    operator = village_operator()
    person = services.register_resident(operator, operator.region, resident_data(name="Ani"))
    log_in(page, operator.username)
    page.goto(f"{page.base_url}/registry/residents/{person.pk}/")
    asked = []

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    # No box ticked: the browser will not send the form, and the server would refuse it.
    page.click("text=Catat peristiwa")
    person.refresh_from_db()
    assert person.status == Resident.Status.ALIVE
    page.check("input[name=confirm]")
    page.click("text=Catat peristiwa")
    page.wait_for_load_state()
    person.refresh_from_db()
    assert person.status == Resident.Status.DEAD
    # Recorded for the wrong person: the page offers the correction, which asks first too.
    page.wait_for_selector("text=Koreksi status")
    page.fill("input[name=note]", "Salah orang.")
    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.click("button:has-text('Catat kembali sebagai penduduk hidup')")
    page.wait_for_selector("text=kembali tercatat sebagai penduduk hidup")
    person.refresh_from_db()
    assert person.status == Resident.Status.ALIVE and "Ani" in asked[0]


def test_the_custodians_registry_page_fits_a_phone(page, regions_loaded):  # noqa: F811
    from satudata.accounts.models import User
    from satudata.accounts.services import create_account
    from satudata.core.tests.test_browser import PASSWORD

    create_account(None, username="walidata.hp", password=PASSWORD, role=User.Role.CUSTODIAN)
    log_in(page, "walidata.hp")
    page.goto(f"{page.base_url}/registry/")
    # The village code and the three buttons that use it wrap instead of widening the page.
    assert page.is_visible("#village-code")
    assert fits_the_phone(page)
