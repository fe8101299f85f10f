"""Seventh session: a refused form on the resident's pages names each field once and shows
every error in one round, dates in messages keep a four-digit year, and publishing the
statistics goes back to a statistics page whatever region the form sent."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings

from satudata.conftest import VILLAGE_A
from satudata.registry import services
from satudata.registry.models import Resident, StatisticsRelease
from satudata.registry.tests.helpers import registry_snapshot
from satudata.registry.tests.test_resident_page_qa6 import RLO, event, field_errors, register_form

pytestmark = pytest.mark.django_db

INVISIBLE = "berisi karakter tak terlihat atau karakter kontrol (U+202E)"


def summary(page: str) -> str:
    """The "Nothing has been saved" box above the form."""
    start = page.index("Tidak ada yang disimpan")
    return page[start : page.index("</div>", start)]


# Beside its field, an error does not repeat the field's name


def test_an_error_beside_its_field_does_not_repeat_the_fields_label(clients, household):
    """QA: under "Pindah ke:" the error said "pindah ke: berisi karakter tak terlihat…"."""
    daughter = household[3]
    page = event(
        clients["operator_a"], daughter, kind="move_out", date="2026-03-04", place=f"Sampit{RLO}"
    ).content.decode()
    assert field_errors(page, "place").startswith(INVISIBLE)
    # The summary above the form names the field, by the label the form shows.
    assert f"Pindah ke: {INVISIBLE}" in summary(page)
    assert "pindah ke: berisi" not in page


def test_a_refused_correction_shows_the_reason_error_without_its_name(clients, cast, household):
    daughter = household[3]
    services.record_death(cast.operator_a, daughter, datetime.date(2026, 1, 2))
    page = (
        clients["operator_a"]
        .post(f"/registry/residents/{daughter.pk}/correct/", {"note": f"salah orang{RLO}"})
        .content.decode()
    )
    assert field_errors(page, "note").startswith(INVISIBLE)
    assert f"Alasan status yang tercatat salah: {INVISIBLE}" in summary(page)


def test_an_error_tied_to_no_field_keeps_its_whole_text(clients, household):
    head = household[1]
    page = event(
        clients["operator_a"], head, kind="move_out", date="2026-03-04", place="Sampit"
    ).content.decode()
    assert "Budi adalah kepala keluarga pada kartu keluarga" in summary(page)
    assert 'class="errorlist" id="id_' not in page  # beside no field


# Every error in one round


def test_a_move_out_refused_by_the_form_also_names_its_bad_texts_and_destination(
    clients, household
):
    """A date in the future is the form's error; the invisible character and the unknown
    village came only after it was corrected (two rounds)."""
    daughter = household[3]
    before = registry_snapshot()
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    page = event(
        clients["operator_a"],
        daughter,
        kind="move_out",
        date=tomorrow.isoformat(),
        place=f"Sampit{RLO}",
        to_village="99.99.99.9999",
    ).content.decode()
    assert field_errors(page, "date") == "tidak boleh di masa depan."
    assert field_errors(page, "place").startswith(INVISIBLE)
    assert field_errors(page, "to_village").startswith("99.99.99.9999 bukan kode desa")
    assert registry_snapshot() == before


def test_a_death_refused_by_the_form_also_names_a_bad_note(clients, household):
    """A death has no destination: its place and village code are not checked."""
    daughter = household[3]
    page = event(
        clients["operator_a"],
        daughter,
        kind="death",
        date="2026-03-04",
        note=f"sakit{RLO}",
        to_village="99.99.99.9999",
        confirm="",
    ).content.decode()
    assert field_errors(page, "confirm")
    assert field_errors(page, "note").startswith(INVISIBLE)
    assert 'id="id_to_village_error"' not in page


def test_a_registration_refused_by_the_form_also_names_a_bad_nik(clients, household):
    family = household[0]
    url = f"/registry/residents/new/?village={VILLAGE_A}&family={family.pk}"
    before = registry_snapshot()
    page = (
        clients["operator_a"]
        .post(url, register_form(family, name="", nik="62010", relationship=7))
        .content.decode()
    )
    assert field_errors(page, "name")
    assert field_errors(page, "nik").startswith("harus 16 digit")
    assert "NIK: harus 16 digit" in summary(page)
    assert registry_snapshot() == before


def test_an_empty_temporary_nik_is_no_error_before_saving_numbers_it(clients, household):
    family = household[0]
    url = f"/registry/residents/new/?village={VILLAGE_A}&family={family.pk}"
    form = register_form(family, name="", nik="", nik_is_temporary="on", relationship=7)
    page = clients["operator_a"].post(url, form).content.decode()
    assert field_errors(page, "name")
    assert 'id="id_nik_error"' not in page
    done = clients["operator_a"].post(url, form | {"name": "Wati"})
    assert done.status_code == 302
    assert Resident.objects.get(name="Wati").nik.startswith("0")


def test_an_edit_refused_by_the_form_also_names_a_bad_nik(clients, household):
    daughter = household[3]
    url = f"/registry/residents/{daughter.pk}/edit/"
    form = {
        "nik": "6201",
        "name": "Rina",
        "sex": 2,
        "birth_date": "",  # the form's error
        "citizenship": 1,
        "relationship": 4,
        "version": daughter.version,
    }
    page = clients["operator_a"].post(url, form).content.decode()
    assert field_errors(page, "birth_date")
    assert field_errors(page, "nik").startswith("harus 16 digit")


# Dates in messages


def test_a_date_in_the_year_1_is_shown_with_four_digits(clients, household):
    """QA: "tanggal: 01-01-1 sebelum kelahiran Rina" (strftime writes the year 1 as "1")."""
    daughter = household[3]
    page = event(clients["operator_a"], daughter, kind="death", date="0001-01-01").content.decode()
    assert field_errors(page, "date") == "01-01-0001 sebelum kelahiran Rina (09-03-2005)."
    assert "01-01-1 " not in page


# Publishing the statistics


MONTHLY = override_settings(SATUDATA_STATISTICS_RELEASE="monthly")


@MONTHLY
@pytest.mark.parametrize("region", ["99.99", "99.99.99.9999", "bukan kode", "", "62.01\x00"])
def test_publishing_from_an_unknown_region_returns_to_the_regencys_statistics(
    clients, cast, region
):
    """The form sends the region of the page it is on; a code that names no region (a
    crafted request, a region removed meanwhile) went to the home page without a word."""
    custodian = clients["custodian"]
    custodian.get(f"/statistics/population/{VILLAGE_A}/")  # the month's first release
    answer = custodian.post("/statistics/publish/", {"region": region}, follow=True)
    assert answer.status_code == 200
    assert answer.redirect_chain == [("/statistics/population/61.12/", 302)]
    # Nothing changed since the month's release: that one is given back, and said so.
    assert "Rilis statistik 1" in answer.content.decode()
    assert "sudah memuat data terkini" in answer.content.decode()
    assert StatisticsRelease.objects.count() == 1


@MONTHLY
def test_publishing_from_a_page_with_the_plain_digits_code_returns_to_it(clients, cast):
    answer = clients["custodian"].post("/statistics/publish/", {"region": "6201022016"})
    assert answer["Location"] == f"/statistics/population/{VILLAGE_A}/"


@MONTHLY
@pytest.mark.parametrize("who", ["anonymous", "producer_a", "district_viewer"])
def test_no_one_but_the_custodian_publishes_statistics(clients, cast, who):
    """(A village operator's 403 is in test_statistics_releases.)"""
    clients["custodian"].get(f"/statistics/population/{VILLAGE_A}/")
    answer = clients[who].post("/statistics/publish/", {"region": VILLAGE_A})
    if who == "anonymous":
        assert answer.status_code == 302 and "/login/" in answer["Location"]
    else:
        assert answer.status_code == 403
    assert StatisticsRelease.objects.count() == 1
