"""`satudata export residents`: the web export for scripts, with the same scope and units."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from satudata.audit.models import AuditEntry
from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.regions.models import Region
from satudata.regions.services import add_local_unit
from satudata.registry import services
from satudata.registry.models import Resident
from satudata.registry.tests.helpers import kk_for, resident_data

pytestmark = pytest.mark.django_db


def export(*args) -> str:
    out = io.StringIO()
    call_command("export", "residents", *args, stdout=out)
    return out.getvalue()


def refused(*args) -> str:
    with pytest.raises(CommandError) as info:
        export(*args)
    return str(info.value)


@pytest.fixture
def placed(cast):
    """Two families of village A: Ani's in RT 001 of RW 004, Budi's not placed in a unit."""
    village = Region.objects.get(code=VILLAGE_A)
    rw = add_local_unit(cast.operator_a, village, "rw", "004")
    rt = add_local_unit(cast.operator_a, village, "rt", "001", rw.pk)
    people = []
    for name, sex, serial, unit in (("Ani", 2, 61, rt), ("Budi", 1, 62, None)):
        family = services.register_family(
            cast.operator_a, village, kk_for(serial=serial), unit=unit
        )
        people.append(
            services.register_resident(
                cast.operator_a,
                village,
                resident_data(name=name, sex=sex),
                family=family,
                unit=unit,
            )
        )
    return rw, *people


def test_a_village_exported_to_csv_imports_again_unchanged(tmp_path, placed):
    path = tmp_path / "natai.csv"
    out = export(str(path), "--village", "6201022016")  # the undotted form works too
    assert out.strip() == f"2 penduduk Natai Raya ({VILLAGE_A}) ditulis ke {path}."
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert {row[rows[0].index("nama")] for row in rows[1:]} == {"Ani", "Budi"}
    again = io.StringIO()
    call_command("import", "residents", str(path), stdout=again)
    assert "0 ditambah, 0 diperbarui, 2 tidak berubah" in again.getvalue()


def test_one_rw_as_xlsx_holds_the_rts_inside_it(tmp_path, placed, cast):
    rw, inside, outside = placed
    path = tmp_path / "rw.xlsx"
    export(
        str(path), "--village", VILLAGE_A, "--rt", str(rw.pk), "--user", cast.operator_a.username
    )
    header, *rows = list(openpyxl.load_workbook(path).active.values)
    assert [row[header.index("nik")] for row in rows] == [inside.nik]
    # The change history names who took which area out, in what form; no one's data.
    entry = AuditEntry.objects.get(action="export")
    assert (entry.actor, entry.region_code) == (cast.operator_a, VILLAGE_A)
    assert entry.after == {"area": "RW 004", "format": "opensid", "file": "xlsx", "residents": 1}


def test_an_export_outside_the_accounts_scope_or_village_is_refused(tmp_path, placed, cast):
    path = tmp_path / "x.csv"
    message = refused(str(path), "--village", VILLAGE_A, "--user", cast.operator_b.username)
    assert "tidak boleh membaca data penduduk desa 62.01.02.2016" in message
    assert "Tidak ada desa dengan kode 99.99" in refused(str(path), "--village", "99.99")
    other = add_local_unit(cast.operator_b, Region.objects.get(code=VILLAGE_B), "rw", "009")
    for unit in ("abc", str(other.pk)):
        assert "tidak memiliki dusun, RW, atau RT" in refused(
            str(path), "--village", VILLAGE_A, "--rt", unit
        )
    assert "Tidak ada akun bernama nobody" in refused(
        str(path), "--village", VILLAGE_A, "--user", "nobody"
    )
    assert not path.exists()
    assert Resident.objects.count() == 2
    assert not AuditEntry.objects.filter(action="export").exists()
    # The system's reason in the user's language, not the C library's English.
    no_folder = refused(str(tmp_path / "no" / "dir.csv"), "--village", VILLAGE_A)
    assert "Tidak dapat menulis" in no_folder and "berkas atau folder tidak ada" in no_folder
    assert "No such file" not in no_folder


def test_a_file_name_that_is_neither_csv_nor_xlsx_is_refused(tmp_path, placed):
    path = tmp_path / "penduduk.pdf"
    assert "beri nama .csv atau .xlsx" in refused(str(path), "--village", VILLAGE_A)
    assert not path.exists()
