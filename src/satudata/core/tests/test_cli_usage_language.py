"""argparse's usage errors and help headings speak the command line's language."""

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from satudata.core.argparse_language import speak_active_language


def run(command, home):
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update({"SATUDATA_HOME": str(home), "DJANGO_SETTINGS_MODULE": "satudata.settings"})
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120)


def test_an_invalid_choice_is_refused_in_indonesian_naming_the_argument(tmp_path):
    args = ["export", "residents", "x.csv", "--village", "62.01.02.2016", "--format", "nope"]
    result = run([sys.executable, "-m", "satudata", *args], tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("cara pakai: satudata export residents ")
    assert result.stderr.splitlines()[-1] == (
        "satudata export residents: kesalahan: argumen --format: pilihan tidak valid: 'nope' "
        "(pilih dari 'opensid', 'satudata')"
    )
    assert not (tmp_path / "x.csv").exists()


def test_the_console_script_names_the_missing_arguments_in_indonesian(tmp_path):
    script = Path(sys.executable).parent / "satudata"  # the entry point pip installed
    result = run([str(script), "export", "residents"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "satudata export residents: kesalahan: argumen berikut wajib diisi: file, --village"
    )
    assert "usage:" not in result.stderr and "error:" not in result.stderr


def test_a_bad_number_and_a_missing_value_are_indonesian(tmp_path):
    worker = run([sys.executable, "-m", "satudata", "worker", "--sleep", "x"], tmp_path)
    assert worker.returncode == 2
    assert worker.stderr.splitlines()[-1] == (
        "satudata worker: kesalahan: argumen --sleep: nilai float tidak valid: 'x'"
    )
    args = ["export", "residents", "x.csv", "--village"]
    export = run([sys.executable, "-m", "satudata", *args], tmp_path)
    assert export.returncode == 2
    assert export.stderr.splitlines()[-1] == (
        "satudata export residents: kesalahan: argumen --village: perlu satu nilai"
    )


def test_help_headings_are_indonesian(tmp_path):
    result = run([sys.executable, "-m", "satudata", "export", "residents", "-h"], tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("cara pakai: satudata export residents ")
    assert "\nargumen posisi:\n" in result.stdout
    assert "\nopsi:\n" in result.stdout
    assert "tampilkan bantuan ini lalu keluar" in result.stdout
    assert "show this help message" not in result.stdout


@pytest.fixture
def argparse_patched(monkeypatch):
    """As cli.main does, put back after the test (argparse is shared by the test process)."""
    monkeypatch.setattr(argparse, "_", argparse._)
    monkeypatch.setattr(argparse, "ngettext", argparse.ngettext)
    speak_active_language()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "argument --format: invalid choice: 'nope' (choose from 'opensid', 'satudata')"),
        ("id", "argumen --format: pilihan tidak valid: 'nope' (pilih dari 'opensid', 'satudata')"),
    ],
)
def test_the_messages_follow_the_active_language(argparse_patched, language, expected):
    with translation.override(language), pytest.raises(CommandError) as refused:
        call_command("export", "residents", "x.csv", "--village", "1", "--format", "nope")
    assert str(refused.value) == f"Error: {expected}"


def test_plural_and_subparser_group_without_description(argparse_patched):
    parser = argparse.ArgumentParser(prog="satudata x", exit_on_error=False)
    parser.add_argument("--pair", nargs=2)
    parser.add_subparsers(title="things")  # description None goes through `_` too
    with translation.override("id"), pytest.raises(argparse.ArgumentError) as refused:
        parser.parse_args(["--pair", "a"])
    assert str(refused.value) == "argumen --pair: perlu 2 nilai"


@pytest.mark.parametrize(
    "args, last_line",
    [
        (["statistics"], "satudata statistics: kesalahan: argumen berikut wajib diisi: {publish}"),
        (
            ["statistics", "nope"],
            "satudata statistics: kesalahan: argumen {publish}: pilihan tidak valid: 'nope' "
            "(pilih dari 'publish')",
        ),
        (["export"], "satudata export: kesalahan: argumen berikut wajib diisi: {residents}"),
        (["import"], "satudata import: kesalahan: argumen berikut wajib diisi: {residents}"),
    ],
)
def test_a_missing_subcommand_names_its_choices_not_an_internal_name(tmp_path, args, last_line):
    """QA: "argumen berikut wajib diisi: action" named argparse's dest, which the usage
    line does not show; the choices are what the user can type."""
    result = run([sys.executable, "-m", "satudata", *args], tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == last_line


OUR_COMMANDS = {
    "backup": "core",
    "check": "core",
    "demo": "core",
    "restore": "core",
    "serve": "core",
    "worker": "integration",
    "dedup": "quality",
    "loadregions": "regions",
    "regions": "regions",
    "export": "registry",
    "import": "registry",
    "statistics": "registry",
}


def _helps(parser) -> list[tuple[str, str]]:
    """(where, text) of the parser's description and every option's help, subcommands too."""
    found = [("description", parser.description or "")]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += [(f"{name} {where}", text) for where, text in _helps(sub)]
            found += [(f"{a.dest} (subcommand)", a.help or "") for a in action._choices_actions]
        elif action.help and action.help != argparse.SUPPRESS:
            found.append((action.dest, action.help))
    return found


@pytest.mark.parametrize("name", sorted(OUR_COMMANDS))
def test_every_help_text_of_our_commands_is_in_indonesian(name):
    from django.core.management import load_command_class

    def helps(language):
        with translation.override(language):
            command = load_command_class(f"satudata.{OUR_COMMANDS[name]}", name)
            return _helps(command.create_parser("satudata", name))

    english, indonesian = helps("en"), helps("id")
    assert len(english) == len(indonesian)
    untranslated = [
        where
        for (where, en), (_, id_) in zip(english, indonesian, strict=True)
        if en and en == id_ and where.split()[-1] != "help"  # -h: argparse's own
    ]
    assert untranslated == []
    assert indonesian[0][1]  # every command says what it does
