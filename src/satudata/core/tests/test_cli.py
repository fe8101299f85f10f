"""The `satudata` command as an operator runs it, in a subprocess with its own environment."""

import os
import socket
import sqlite3
import subprocess
import sys

import pytest


def run(args, home, **env):
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update({"SATUDATA_HOME": str(home), "DJANGO_SETTINGS_MODULE": "satudata.settings"})
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "satudata", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )


def test_a_bad_database_url_is_one_clear_sentence_and_a_failure(tmp_path):
    result = run(["check"], tmp_path, DATABASE_URL="mysql://root@localhost/x")
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "satudata: DATABASE_URL harus diawali sqlite:// atau postgres://, bukan mysql://."
    )
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_is_reported_by_check_and_serve(tmp_path):
    url = "postgres://nobody@127.0.0.1:1/nothing"
    for command in (["check"], ["serve", "--port", "8765"]):
        result = run(command, tmp_path, DATABASE_URL=url)
        assert result.returncode != 0
        assert "cannot be reached" in result.stderr or "tidak dapat dihubungi" in result.stderr
        assert "Traceback" not in result.stderr


def test_commands_before_set_up_say_which_command_sets_up(tmp_path):
    """An operator who imports before `migrate` and `loadregions` is told what to run."""
    data = tmp_path / "warga.csv"
    data.write_text("nik,nama,kode_desa\n6201020101900001,Budi,62.01.02.2016\n")
    before = run(["import", "residents", str(data), "--dry-run"], tmp_path)
    assert before.returncode == 1
    assert before.stderr.startswith("satudata: Basis data belum mutakhir (")
    assert "jalankan: satudata migrate" in before.stderr
    assert "Traceback" not in before.stderr

    assert run(["migrate", "-v0"], tmp_path).returncode == 0
    no_regions = run(["import", "residents", str(data), "--dry-run"], tmp_path)
    assert no_regions.returncode == 1
    assert no_regions.stderr.strip() == (
        "satudata: Kode wilayah resmi belum dimuat; jalankan: satudata loadregions"
    )
    assert no_regions.stdout.strip() == "Uji coba: tidak ada yang disimpan."  # no "0 baris: …"


def test_an_unreachable_database_is_one_sentence_for_every_command(tmp_path):
    url = "postgres://nobody@127.0.0.1:1/nothing"
    result = run(["import", "residents", str(tmp_path / "x.csv")], tmp_path, DATABASE_URL=url)
    assert result.returncode == 1
    assert result.stderr.startswith("satudata: Basis data tidak dapat dihubungi (postgresql)")
    assert "Traceback" not in result.stderr


def test_an_unwritable_data_folder_is_one_clear_sentence(tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    result = run(["check"], not_a_folder)
    assert result.returncode != 0
    assert "tidak dapat ditulisi" in result.stderr
    assert "SATUDATA_HOME" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_port_is_refused_clearly(tmp_path):
    result = run(["serve"], tmp_path, PORT="eighty")
    assert result.returncode != 0
    # Our refusal, not Django's "CommandError: " (an English class name) in front of it.
    assert (
        result.stderr.strip() == "satudata: PORT harus berupa angka 1 sampai 65535, bukan 'eighty'."
    )


def test_a_port_already_served_is_refused_before_anything_starts(tmp_path):
    """granian listens with SO_REUSEPORT: a second server would share the port unnoticed."""
    with socket.socket() as running:
        running.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # as granian does
        running.bind(("127.0.0.1", 0))
        running.listen()
        port = running.getsockname()[1]
        for command in (["serve"], ["demo"]):
            result = run(command, tmp_path, PORT=str(port))
            assert result.returncode != 0, result.stdout
            assert f"Port {port} di 127.0.0.1 sudah dipakai" in result.stderr
            assert "Traceback" not in result.stderr
        # The demo said so before its setup: no table was created.
        database = tmp_path / "satudata.sqlite3"
        with sqlite3.connect(database) as db:
            assert db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0
    # Once the port is free again, the same port is accepted (TIME_WAIT does not count).
    from satudata.core.management.commands.serve import port_problem

    assert port_problem("127.0.0.1", port) is None


@pytest.mark.slow
def test_demo_sets_up_once_and_a_second_run_duplicates_nothing(tmp_path):
    first = run(["demo", "--no-serve"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "walidata" in first.stdout and "operator.nataraya" in first.stdout
    assert "Buka http://127.0.0.1:" not in first.stdout  # --no-serve
    assert "penduduk demo ditambahkan" in first.stdout
    database = tmp_path / "satudata.sqlite3"
    counts = _counts(database)
    assert counts["regions_region"] == 91_599
    assert counts["registry_resident"] > 500
    assert counts["accounts_agency"] == 11

    second = run(["demo", "--no-serve"], tmp_path)
    assert second.returncode == 0, second.stderr
    assert _counts(database) == counts
    # The passwords printed the second time still log in: they are the stored ones.
    password = next(
        line.split()[1]
        for line in second.stdout.splitlines()
        if line.strip().startswith("walidata")
    )
    assert password in first.stdout

    check = run(["check"], tmp_path)
    assert check.returncode == 0, check.stderr
    assert "menjawab dan mutakhir" in check.stdout  # the CLI speaks Indonesian


def _counts(database):
    tables = [
        "regions_region",
        "regions_localunit",
        "registry_resident",
        "registry_family",
        "accounts_user",
        "accounts_agency",
        "audit_auditentry",
    ]
    with sqlite3.connect(database) as db:
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"
        return {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}  # noqa: S608


def test_deploy_check_is_clean_for_the_documented_production_settings(tmp_path):
    assert run(["migrate", "-v0"], tmp_path).returncode == 0
    production = {
        "SATUDATA_HTTPS": "true",
        "SECRET_KEY": "k" * 10 + "9f8e7d6c5b4a3928172635445362718293a4b5c6d7e8f9" + "Z" * 10,
        "ALLOWED_HOSTS": "satudata.kuburayakab.go.id",
        "DEBUG": "false",
    }
    result = run(["check", "--deploy"], tmp_path, **production)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    # Without HTTPS the same check warns: it is a real check, not a formality.
    plain = run(["check", "--deploy"], tmp_path, SECRET_KEY=production["SECRET_KEY"])
    assert "security.W004" in plain.stderr + plain.stdout  # no HSTS
