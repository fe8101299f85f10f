"""`satudata regions former add|list|remove`: the custodian's list of former district codes."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from satudata.audit.models import AuditEntry
from satudata.conftest import client_for
from satudata.regions import former
from satudata.regions.models import FormerDistrictCode
from satudata.registry.validation import nik_problem

pytestmark = pytest.mark.django_db

MERAUKE_NIK = "9101011205900001"  # a man born 12-05-1990 in Merauke, before Papua's split


@pytest.fixture(autouse=True)
def _forget_former_codes():
    """The prefixes are cached per process; a rolled-back test must not leave its codes."""
    former.forget()
    yield
    former.forget()


def regions(*args) -> str:
    out = io.StringIO()
    call_command("regions", "former", *args, stdout=out)
    return out.getvalue()


def refused(*args) -> str:
    with pytest.raises(CommandError) as info:
        regions(*args)
    return str(info.value)


def test_a_former_code_added_is_listed_accepted_and_audited(cast):
    assert "kode kecamatan" in nik_problem(MERAUKE_NIK)
    out = regions("add", "91.01.01", "--note", "UU 14/2022", "--user", "walidata")
    assert "910101" in out
    assert nik_problem(MERAUKE_NIK) is None
    assert FormerDistrictCode.objects.get().note == "UU 14/2022"
    entry = AuditEntry.objects.get(model_label="regions.formerdistrictcode")
    assert (entry.action, entry.actor, entry.object_pk) == ("create", cast.custodian, "91.01.01")
    assert regions("list").startswith("91.01.01\t—\tUU 14/2022")


def test_the_current_district_it_became_is_kept_and_listed(db):
    # Typed without dots: stored in the region table's dotted form.
    out = regions("add", "910101", "--now", "620102")
    assert "62.01.02 Arut Selatan" in out
    assert FormerDistrictCode.objects.get().current_id == "62.01.02"
    assert regions("list").startswith("91.01.01\t62.01.02 Arut Selatan")
    # Without --user the system acts.
    assert AuditEntry.objects.get().actor_label == "sistem"


def test_removing_a_former_code_refuses_its_niks_again(cast):
    regions("add", "91.01.01")
    assert nik_problem(MERAUKE_NIK) is None
    out = regions("remove", "91.01.01", "--user", "walidata")
    assert "ditolak lagi" in out
    assert "kode kecamatan" in nik_problem(MERAUKE_NIK)
    assert not FormerDistrictCode.objects.exists()
    deleted = AuditEntry.objects.get(action="delete")
    assert (deleted.actor, deleted.before["code"]) == (cast.custodian, "91.01.01")
    assert regions("list").strip() == "Belum ada kode kecamatan lama yang dicatat."
    page = client_for(cast.custodian).get("/audit/record/regions.formerdistrictcode/91.01.01/")
    history = page.content.decode()
    assert page.status_code == 200 and "sistem" in history and "dihapus" in history


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["add", "62.01.02"], "62.01.02 adalah kode kecamatan yang berlaku"),
        (["add", "910101", "--now", "93.01.01"], "93.01.01 bukan kode kecamatan yang berlaku"),
        (["add", "910101", "--now", "62.01"], "62.01 bukan kode kecamatan"),
        (["add", "91.01"], "91.01 bukan kode kecamatan"),
        (["add", "91.01.01.2001"], "bukan kode kecamatan"),
        (["add", "9101x1"], "9101x1 bukan kode kecamatan"),
        (["add", "01.01.01"], "01.01.01 bukan kode kecamatan"),  # reads as a temporary NIK
        (["add", "91.00.01"], "91.00.01 bukan kode kecamatan"),
        (["remove", "91.01.01"], "91.01.01 tidak tercatat"),
        (["remove", "nope"], "nope bukan kode kecamatan"),
        (["add", "91.01.01", "--user", "nobody"], "Tidak ada akun bernama nobody"),
        (["add", "91.01.01", "--user", "operator.a"], "hanya walidata"),
    ],
)
def test_bad_inputs_are_refused_in_indonesian_and_change_nothing(cast, args, words):
    message = refused(*args)
    assert words in message, message
    assert not FormerDistrictCode.objects.exists()
    assert not AuditEntry.objects.filter(model_label="regions.formerdistrictcode").exists()


def test_a_code_recorded_twice_is_refused(db):
    regions("add", "91.01.01")
    assert "91.01.01 sudah tercatat" in refused("add", "910101")
    assert FormerDistrictCode.objects.count() == 1


def test_an_operator_may_not_remove_a_code(cast):
    regions("add", "91.01.01")
    assert "hanya walidata" in refused("remove", "91.01.01", "--user", "operator.a")
    assert FormerDistrictCode.objects.count() == 1


def test_the_satudata_command_line_refuses_a_malformed_code_in_one_sentence(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(
        {"SATUDATA_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "satudata.settings"}
    )
    command = [sys.executable, "-m", "satudata", "regions", "former", "add", "91.01"]
    result = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120)
    assert result.returncode == 1
    assert result.stderr.startswith("satudata: 91.01 bukan kode kecamatan"), result.stderr


def test_a_code_another_process_records_is_seen_within_the_cache_lifetime(db, monkeypatch):
    assert nik_problem(MERAUKE_NIK) is not None  # cached in this process now
    # Another process (a server worker, the command) records it: this cache is not cleared.
    FormerDistrictCode.objects.create(code="91.01.01")
    assert nik_problem(MERAUKE_NIK) is not None
    later = former.time.monotonic() + former.FORMER_CODES_SECONDS + 1
    monkeypatch.setattr(former.time, "monotonic", lambda: later)
    assert nik_problem(MERAUKE_NIK) is None


def test_the_custodian_reads_the_codes_in_the_admin_site_but_changes_them_by_command(cast):
    regions("add", "91.01.01", "--note", "UU 14/2022")
    page = client_for(cast.custodian).get("/admin/regions/formerdistrictcode/")
    assert page.status_code == 200 and "91.01.01" in page.content.decode()
    adding = client_for(cast.custodian).get("/admin/regions/formerdistrictcode/add/")
    assert adding.status_code == 403
