"""Wording QA found unclear in the ninth session: the import's missing columns, a job that
changed nothing, and a family card whose members all left the village."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from satudata.conftest import VILLAGE_A
from satudata.registry.models import Family, ImportJob

pytestmark = pytest.mark.django_db


def test_missing_columns_name_each_once_and_our_own_names_apart(tmp_path):
    path = tmp_path / "warga.csv"
    path.write_text("nama,alamat\nBudi,Jl. A\n", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("import", "residents", str(path), "--village", VILLAGE_A, stdout=io.StringIO())
    message = str(info.value)
    # "nik (nik)" read as a typo: OpenSID's names, then ours only where they differ.
    assert "nik (nik)" not in message and "sex (sex)" not in message
    assert "kolom wajib: nik, sex, tanggallahir, no_kk (dalam format Satu Data sendiri: " in message
    assert "birth_date, family_number)" in message


def _finished_job(cast, tmp_path, **counts) -> ImportJob:
    return ImportJob.objects.create(
        file_name="warga.csv",
        path=str(tmp_path / "warga.csv"),
        village_id=VILLAGE_A,
        state=ImportJob.State.DONE,
        actor=cast.operator_a,
        committed=True,
        **counts,
    )


@pytest.mark.parametrize(
    ("counts", "said", "not_said"),
    [
        (
            {"rows": 3, "unchanged": 3},
            "Tidak ada penduduk yang ditambah atau diubah: baris-baris berkas sama dengan",
            "Perubahan telah disimpan",
        ),
        ({"rows": 3, "rejected": 3}, "Tidak ada penduduk yang ditambah atau diubah.", "Perubahan"),
        ({"rows": 3, "added": 1, "unchanged": 2}, "Perubahan telah disimpan", "Tidak ada penduduk"),
    ],
)
def test_a_job_that_changed_nothing_does_not_say_changes_were_saved(
    cast, clients, tmp_path, counts, said, not_said
):
    job = _finished_job(cast, tmp_path, **counts)
    page = clients["operator_a"].get(f"/registry/import/{job.pk}/").content.decode()
    assert said in page and not_said not in page


def test_a_card_with_no_one_in_the_village_says_so_not_no_members_yet(cast, clients):
    card = Family.objects.create(family_number="6201020101200001", village_id=VILLAGE_A)
    page = clients["operator_a"].get(f"/registry/families/{card.pk}/").content.decode()
    assert "Tidak ada anggota kartu keluarga ini yang tercatat di desa ini." in page
    assert "belum memiliki anggota" not in page
