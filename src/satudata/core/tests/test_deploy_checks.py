"""`satudata check --deploy`, the secret key file and `serve --port`, as an operator runs them."""

from __future__ import annotations

import secrets
import socket

import pytest

from satudata.core.tests.test_cli import run

HTTPS_TEXT = "You have not set a value for the SECURE_HSTS_SECONDS setting"  # Django's own text


def closed_port() -> int:
    """A port nothing listens on (bound once to find it, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """README "Deployment" step 3, on SQLite and without Redis (tests set those separately)."""
    home = tmp_path_factory.mktemp("home")
    key_file = tmp_path_factory.mktemp("etc") / "secret_key"
    key_file.write_text(secrets.token_urlsafe(50) + "\n", encoding="utf-8")
    env = {
        "SECRET_KEY_FILE": str(key_file),
        "ALLOWED_HOSTS": "satudata.kuburayakab.go.id",
        "CSRF_TRUSTED_ORIGINS": "https://satudata.kuburayakab.go.id",
        "SATUDATA_HTTPS": "true",
        "SATUDATA_REGENCIES": "61.12",
        "TRUSTED_PROXIES": "10.0.0.5",
    }
    assert run(["migrate", "-v0"], home, **env).returncode == 0
    return home, env


def test_the_documented_deployment_passes(deployment):
    home, env = deployment
    result = run(["check", "--deploy"], home, **env)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        ({"DEBUG": "true"}, "DEBUG menyala"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS kosong"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS menerima nama host apa pun (*)"),
        ({"SATUDATA_HTTPS": "false"}, "HTTPS tidak aktif (SATUDATA_HTTPS)"),
        ({"SECRET_KEY_FILE": "", "SECRET_KEY": "abc"}, "SECRET_KEY lemah"),
    ],
)
def test_each_unsafe_setting_fails_the_deploy_check_in_one_sentence(deployment, change, sentence):
    home, env = deployment
    result = run(["check", "--deploy"], home, **{**env, **change})
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("GALAT:")]
    assert len(errors) == 1, result.stderr
    assert sentence in errors[0]
    assert HTTPS_TEXT not in result.stderr + result.stdout
    assert "no issues" not in result.stdout


def test_https_off_is_one_sentence_naming_djangos_checks(deployment):
    home, env = deployment
    result = run(["check", "--deploy"], home, **{**env, "SATUDATA_HTTPS": "false"})
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("GALAT:")]
    assert "setel SATUDATA_HTTPS=true" in error
    assert "security.W004" in error  # HSTS, for whoever looks it up in Django's docs


def test_an_unreachable_redis_fails_the_check_in_one_sentence(deployment):
    home, env = deployment
    port = closed_port()
    result = run(["check", "--deploy"], home, **env, REDIS_URL=f"redis://127.0.0.1:{port}/0")
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("GALAT:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith("GALAT: Redis (REDIS_URL) tidak menjawab")
    assert f"127.0.0.1:{port}" in errors[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content", ["", "\n", "pendek-sekali"])
def test_an_empty_or_short_secret_key_file_is_refused_never_replaced(tmp_path, content):
    key_file = tmp_path / "secret_key_file"
    key_file.write_text(content, encoding="utf-8")
    home = tmp_path / "home"
    result = run(["check"], home, SECRET_KEY_FILE=str(key_file))
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"satudata: SECRET_KEY_FILE {key_file} berisi {len(content.strip())} karakter, padahal "
        "kunci rahasia harus minimal 50 karakter acak (buat dengan: python -c 'import secrets; "
        "print(secrets.token_urlsafe(50))')."
    ]
    assert not (home / "secret_key").exists()  # no per-machine key made instead


@pytest.mark.parametrize("command", ["serve", "demo"])
@pytest.mark.parametrize("port", ["99999", "0", "-1", "65536", "delapan"])
def test_a_bad_serve_port_is_one_sentence(tmp_path, port, command):
    # PORT is valid: --port 0 must not quietly fall back to it.
    result = run([command, "--port", port], tmp_path, PORT="8123")
    assert result.returncode != 0
    assert result.stderr.strip() == (
        f"satudata: --port harus berupa angka 1 sampai 65535, bukan '{port}'."
    )
