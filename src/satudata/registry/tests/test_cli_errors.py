"""`satudata import residents`: refusals are one sentence and a failed exit, not a traceback."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.db import connections
from django.utils.translation import gettext as _

from satudata.conftest import VILLAGE_A, VILLAGE_B
from satudata.core.tests.sqlite_helpers import SATUDATA, subprocess_environment
from satudata.registry.models import Resident

CSV = f"nik,nama,kode_desa\n6201020101900001,Budi,{VILLAGE_B}\n"


def command_line(monkeypatch, capsys, *args) -> tuple[int, str, str]:
    """`satudata import …` as the command line runs it (in this process, in the test's
    database): exit status, stdout, stderr."""
    # The command closes the connections at its end; the test's transaction needs its own.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    command = load_command_class("satudata.registry", "import")
    with pytest.raises(SystemExit) as exited:
        command.run_from_argv(["satudata", "import", *args])
    out, err = capsys.readouterr()
    return exited.value.code, out, err


@pytest.mark.django_db
def test_an_account_outside_the_village_gets_one_sentence_and_a_failure(
    tmp_path, cast, monkeypatch, capsys
):
    data = tmp_path / "warga.csv"
    data.write_text(CSV, encoding="utf-8")
    args = ["residents", str(data), "--village", VILLAGE_B, "--user", "operator.a", "--dry-run"]
    status, _out, err = command_line(monkeypatch, capsys, *args)
    expected = _("%(name)s may not change the residents of village %(code)s.") % {
        "name": "operator.a",
        "code": VILLAGE_B,
    }
    assert status == 1
    assert err.strip() == f"satudata: {expected}"
    assert "Traceback" not in err and "PermissionDenied" not in err
    assert not Resident.objects.exists()

    # Called from code, the refusal is a CommandError with the same sentence.
    with pytest.raises(CommandError) as refused:
        call_command("import", *args, stdout=io.StringIO())
    assert str(refused.value) == expected


@pytest.mark.django_db
def test_the_own_village_is_still_imported(tmp_path, cast):
    data = tmp_path / "warga.csv"
    data.write_text(CSV.replace(VILLAGE_B, VILLAGE_A), encoding="utf-8")
    out = io.StringIO()
    try:
        call_command(
            "import", "residents", str(data), "--village", VILLAGE_A, "--user", "operator.a",
            "--dry-run", stdout=out,
        )  # fmt: skip
    except CommandError as exc:  # rows refused by the rules, never the scope
        assert "operator.a" not in str(exc)
    assert _("Dry run: nothing was saved.") in out.getvalue()


@pytest.mark.django_db
def test_a_missing_file_is_named_not_called_empty(tmp_path, monkeypatch, capsys):
    missing = tmp_path / "tidak-ada.csv"
    status, _out, err = command_line(
        monkeypatch, capsys, "residents", str(missing), "--village", VILLAGE_A
    )
    assert status == 1
    assert err.strip() == "satudata: " + _("The file %(path)s does not exist.") % {"path": missing}
    assert _("The file is empty.") not in err

    status, _out, err = command_line(monkeypatch, capsys, "residents", str(tmp_path))
    assert status == 1
    assert err.strip() == "satudata: " + _("%(path)s is a folder, not a file.") % {"path": tmp_path}


@pytest.mark.django_db
def test_an_empty_file_is_still_called_empty(tmp_path, cast):
    empty = tmp_path / "kosong.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError) as refused:
        call_command("import", "residents", str(empty), stdout=io.StringIO())
    assert str(refused.value) == _("The file is empty.")


def test_the_real_command_line_names_the_missing_file(tmp_path):
    """The same through `python -m satudata`, before the data folder is even set up."""
    missing = tmp_path / "nonexistent.csv"
    result = subprocess.run(  # noqa: S603
        [*SATUDATA, "import", "residents", str(missing), "--village", VILLAGE_A],
        capture_output=True,
        text=True,
        env=subprocess_environment(tmp_path / "home"),
        timeout=300,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("satudata: ")
    assert str(missing) in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "kosong" not in result.stderr and "empty" not in result.stderr
