"""Network failures become one Indonesian sentence in the run log, never the OS's text or an
"internal error", and are retried like any unreachable source."""

from __future__ import annotations

import errno
import logging
import socket
import socketserver
import threading

import pytest
from django.core.management import call_command

from satudata.integration.tests.conftest import make_connector

CLOSED = "Sumber memutus sambungan tanpa jawaban HTTP yang lengkap."


class NotHttp(socketserver.ThreadingTCPServer):
    """A service that is not a web server, like PostgreSQL or SSH on the target port."""

    daemon_threads = True

    def __init__(self, greeting: bytes):
        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                self.request.recv(1024)
                self.request.sendall(greeting)

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def not_http(request):
    server = NotHttp(request.param)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def pull(cast, dataset, url: str, caplog) -> list[str]:
    """Run the connector through the worker; the first attempt's messages."""
    connector = make_connector(cast, dataset, url)
    with caplog.at_level(logging.ERROR, logger="satudata.integration"):
        call_command("worker", "--once")
    run = connector.runs.get(attempt=1)
    assert run.status == "failed"
    assert connector.runs.get(attempt=2).status == "due"  # retried like other network failures
    assert not caplog.records  # no traceback for the administrator: nothing went wrong here
    return run.messages


@pytest.mark.parametrize("not_http", [b"", b"SSH-2.0-OpenSSH_9.2\r\n"], indirect=True)
def test_a_service_that_is_not_http_is_named_plainly(cast, dataset, not_http, caplog):
    messages = pull(cast, dataset, not_http, caplog)
    assert messages[0] == CLOSED
    assert "Percobaan 1 dari 5 gagal" in messages[1]


def test_a_refused_connection_has_no_errno(cast, dataset, caplog):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    messages = pull(cast, dataset, f"http://127.0.0.1:{port}/k.csv", caplog)
    assert messages[0] == "Sumber menolak sambungan."


def test_an_unknown_host_name_is_named(cast, dataset, monkeypatch, caplog):
    def unknown(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)
    messages = pull(cast, dataset, "http://tidak-ada.dinkes.example/k.csv", caplog)
    assert messages[0] == "Nama server sumber tidak-ada.dinkes.example tidak ditemukan."


def test_an_unreachable_network_is_said_in_indonesian(cast, dataset, monkeypatch, caplog):
    def unreachable(*args, **kwargs):
        raise OSError(errno.ENETUNREACH, "Network is unreachable")

    monkeypatch.setattr(socket, "create_connection", unreachable)
    messages = pull(cast, dataset, "http://127.0.0.1:9/k.csv", caplog)
    assert messages[0] == "Jaringan ke sumber tidak dapat dijangkau."


def test_https_to_a_plain_http_server_is_a_tls_failure(cast, dataset, source, caplog):
    messages = pull(cast, dataset, f"https://127.0.0.1:{source.port}/k.csv", caplog)
    assert messages[0] == "Sambungan aman (TLS) ke sumber gagal."


def test_no_run_log_line_carries_raw_os_text(cast, dataset, monkeypatch, caplog):
    def odd(*args, **kwargs):
        raise OSError(errno.EINPROGRESS, "Operation now in progress")

    monkeypatch.setattr(socket, "create_connection", odd)
    messages = pull(cast, dataset, "http://127.0.0.1:9/k.csv", caplog)
    assert messages[0] == "Sumber tidak dapat dihubungi."
    assert not any("Errno" in m or "Operation" in m for m in messages)
