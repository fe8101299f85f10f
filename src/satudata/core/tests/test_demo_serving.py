"""`satudata demo` as the Quick start runs it: set up from nothing, then serve, and the first
upload in a worker answers (it hung for good when the workers were forked from the process
whose setup had started polars' thread pool)."""

from __future__ import annotations

import http.cookiejar
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - our own loopback server
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def multipart(fields: dict[str, str], name: str, filename: str, content: bytes):
    boundary = "satudata-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
        f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.mark.slow
def test_the_demo_serves_and_its_first_upload_answers(tmp_path):
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment |= {"SATUDATA_HOME": str(tmp_path), "PORT": str(port)}
    environment["DJANGO_SETTINGS_MODULE"] = "satudata.settings"
    demo = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "satudata", "demo", "--workers", "1"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/", demo, 600)
        passwords = dict(
            line.split(" ", 1)
            for line in (tmp_path / "demo-accounts.txt").read_text().split("\n")
            if line
        )
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        browser.open(base + "/accounts/login/", timeout=30).read()
        token = next(c.value for c in jar if c.name == "csrftoken")
        login = urllib.parse.urlencode(
            {"username": "dinkes", "password": passwords["dinkes"], "csrfmiddlewaretoken": token}
        ).encode()
        browser.open(base + "/accounts/login/", data=login, timeout=30).read()
        token = next(c.value for c in jar if c.name == "csrftoken")
        body, content_type = multipart(
            {"csrfmiddlewaretoken": token, "year": "2031", "period_type": "year"},
            "file",
            "puskesmas.csv",
            b"kode_wilayah,puskesmas\n62.01.02,3\n",
        )
        request = urllib.request.Request(  # noqa: S310 - our own loopback server
            base + "/workspace/datasets/fasilitas-kesehatan/upload/",
            data=body,
            headers={"Content-Type": content_type, "Referer": base + "/"},
        )
        with browser.open(request, timeout=60) as answer:  # hung forever before
            page = answer.read().decode()
        assert answer.status == 200 and "fasilitas-kesehatan" in answer.url
        assert "Laporan" in page or "laporan" in page
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        demo.wait(timeout=30)
