"""Files holding personal data made outside the data folder are private too (operations QA,
finding 6): the error file of a command-line import quotes the refused NIKs."""

from __future__ import annotations

import contextlib
import io
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from satudata.conftest import VILLAGE_A


@pytest.mark.django_db
def test_an_import_error_file_is_private_even_when_it_replaced_a_readable_one(tmp_path, cast):
    data = tmp_path / "warga.csv"
    data.write_text(f"nik,nama,kode_desa\n62010201019000,Budi,{VILLAGE_A}\n", encoding="utf-8")
    errors = tmp_path / "errors.csv"
    errors.write_text("an older error file", encoding="utf-8")
    errors.chmod(0o644)
    with contextlib.suppress(CommandError):  # every row refused: the import saves nothing
        call_command(
            "import",
            "residents",
            str(data),
            "--village",
            VILLAGE_A,
            "--errors",
            str(errors),
            stdout=io.StringIO(),
        )
    assert errors.read_text(encoding="utf-8-sig") != "an older error file"  # replaced
    assert stat.S_IMODE(errors.stat().st_mode) == 0o600
