"""Connectors pull public addresses only (SSRF): refused on the form, the API and in the run.

The internal services here are local test servers that count their requests; nothing is
ever fetched from the internet (host names are answered by a patched resolver).
"""

from __future__ import annotations

import socket
import threading

import pytest
from django.core.management import call_command

from satudata.integration.models import Connector
from satudata.integration.tests.conftest import GOOD_CSV, Source, make_connector

INTERNAL = "menunjuk ke jaringan internal server; hanya alamat publik yang dapat ditarik."
CREDENTIALS = "Jangan menaruh nama pengguna atau kata sandi di alamat sumber"
PUBLIC_IP = "93.184.216.34"
FORM = {
    "name": "Rahasia",
    "kind": "url",
    "format": "csv",
    "interval_minutes": 60,
    "enabled": "on",
    "timeout_seconds": 30,
    "max_size_mb": 50,
}


@pytest.fixture(autouse=True)
def private_sources_refused(settings, private_sources_allowed):
    settings.CONNECTOR_ALLOW_PRIVATE_ADDRESSES = False


@pytest.fixture
def internal():
    """An internal-only service with a secret, like a database admin page on the server."""
    server = Source()
    server.serve("/secret.csv", "secret_user,secret_password\nadmin,Hunter2-DB-Passw0rd\n")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def connections(monkeypatch):
    """Every TCP connection a pull opens. Only loopback is really connected: should a check
    ever fail, a test still never reaches the internet or the machine's network."""
    opened = []
    real = socket.create_connection

    def guarded(address, *args, **kwargs):
        opened.append(address)
        if address[0] not in ("127.0.0.1", "::1"):
            raise ConnectionRefusedError(111, "refused by the test")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)
    return opened


def internal_urls(port: int) -> list[tuple[str, str]]:
    """(address, the host named in the refusal)."""
    return [
        (f"http://127.0.0.1:{port}/secret.csv", "127.0.0.1"),
        (f"http://localhost:{port}/secret.csv", "localhost"),
        (f"http://[::1]:{port}/secret.csv", "::1"),
        (f"http://[::ffff:127.0.0.1]:{port}/secret.csv", "::ffff:127.0.0.1"),
        (f"http://0.0.0.0:{port}/secret.csv", "0.0.0.0"),  # noqa: S104 - refused, not bound
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://10.0.0.1/k.csv", "10.0.0.1"),
        ("http://172.16.0.1/k.csv", "172.16.0.1"),
        ("http://192.168.1.1/k.csv", "192.168.1.1"),
    ]


def work() -> None:
    call_command("worker", "--once")


def test_the_form_refuses_internal_addresses_in_indonesian(clients, dataset, internal):
    for url, host in internal_urls(internal.port):
        response = clients["producer_a"].post(
            "/workspace/connectors/new/", {**FORM, "dataset": dataset.pk, "url": url}
        )
        assert response.status_code == 200, url
        assert f"Alamat sumber {host} {INTERNAL}" in response.content.decode(), url
    assert not Connector.objects.exists()
    assert internal.hits == []


def test_the_api_refuses_internal_addresses_in_indonesian(clients, dataset, internal):
    for url, host in internal_urls(internal.port):
        body = {"name": "Rahasia", "dataset": dataset.slug, "url": url}
        response = clients["producer_a"].post(
            "/api/v1/connectors", body, content_type="application/json"
        )
        assert response.status_code == 400, url
        detail = response.json()["detail"]
        assert detail == f"url: Alamat sumber {host} {INTERNAL}", detail
    assert not Connector.objects.exists()
    assert internal.hits == []


@pytest.mark.parametrize("allow_private", [False, True])
def test_credentials_in_the_address_are_refused_on_form_and_api(
    clients, dataset, settings, allow_private
):
    settings.CONNECTOR_ALLOW_PRIVATE_ADDRESSES = allow_private
    url = "http://user:pa55word@data.example.go.id/k.csv"
    page = clients["producer_a"].post(
        "/workspace/connectors/new/", {**FORM, "dataset": dataset.pk, "url": url}
    )
    assert CREDENTIALS in page.content.decode()
    api = clients["producer_a"].post(
        "/api/v1/connectors",
        {"name": "x", "dataset": dataset.slug, "url": url},
        content_type="application/json",
    )
    assert api.status_code == 400 and CREDENTIALS in api.json()["detail"]
    assert not Connector.objects.exists()


def test_a_password_saved_before_the_fix_is_never_shown_and_never_sent(
    cast, clients, dataset, internal, settings
):
    settings.CONNECTOR_ALLOW_PRIVATE_ADDRESSES = True
    connector = make_connector(
        cast, dataset, f"http://user:pa55word@127.0.0.1:{internal.port}/secret.csv"
    )
    work()
    assert connector.runs.get().messages[0].startswith(CREDENTIALS)
    assert internal.hits == []
    shown = [
        clients["producer_a"].get(f"/workspace/connectors/{connector.pk}/"),
        clients["producer_a"].get(f"/workspace/connectors/{connector.pk}/edit/"),
        clients["producer_a"].get(f"/api/v1/connectors/{connector.pk}"),
        clients["custodian"].get("/api/v1/connectors"),
    ]
    for response in shown:
        assert response.status_code == 200
        text = response.content.decode()
        assert f"127.0.0.1:{internal.port}/secret.csv" in text
        assert "pa55word" not in text


def test_the_worker_refuses_internal_addresses_before_connecting(
    cast, dataset, internal, connections
):
    """Connectors saved before the check (or through the services) are refused at the pull,
    with no request and no connection, so the log cannot tell open ports from closed."""
    saved = [
        (make_connector(cast, dataset, url, name=f"sumber {n}"), host)
        for n, (url, host) in enumerate(internal_urls(internal.port))
    ]
    work()
    for connector, host in saved:
        run = connector.runs.get()
        assert run.status == "failed"
        assert run.messages == [f"Alamat sumber {host} {INTERNAL}"], run.messages
        assert run.next_retry_at is None  # refused for good: no retry
    assert internal.hits == [] and connections == []


def fake_dns(monkeypatch, answers: dict[str, list[str]]) -> None:
    """Answer these names from the table; other names (localhost) go to the real resolver."""
    real = socket.getaddrinfo

    def resolver(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)


def test_a_name_with_one_internal_address_among_public_ones_is_refused(
    cast, dataset, monkeypatch, connections
):
    fake_dns(monkeypatch, {"data.dinkes.example": [PUBLIC_IP, "10.0.0.5"]})
    connector = make_connector(cast, dataset, "http://data.dinkes.example/k.csv")
    work()
    assert connector.runs.get().messages == [f"Alamat sumber data.dinkes.example {INTERNAL}"]
    assert connections == []


def test_the_connection_goes_to_the_checked_address_not_a_second_dns_answer(
    cast, dataset, monkeypatch
):
    """DNS rebinding: a first answer public, the next 127.0.0.1; only the first is used."""
    answers = iter([[PUBLIC_IP]])
    asked = []

    def rebinding(host, port, *args, **kwargs):
        asked.append(host)
        ip = next(answers, ["127.0.0.1"])[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    opened = []

    def no_internet(address, *args, **kwargs):
        opened.append(address)
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(socket, "create_connection", no_internet)
    connector = make_connector(cast, dataset, "http://data.dinkes.example/k.csv")
    work()
    assert opened == [(PUBLIC_IP, 80)] and asked == ["data.dinkes.example"]
    assert connector.runs.get(attempt=1).messages[0] == "Sumber menolak sambungan."


def test_a_pinned_connection_still_sends_the_host_name(
    cast, dataset, source, monkeypatch, settings
):
    """An internal source named in CONNECTOR_ALLOWED_HOSTS is pulled by its name."""
    source.serve("/k.csv", GOOD_CSV)
    fake_dns(monkeypatch, {"simpus.dinkes.example": ["127.0.0.1"]})
    settings.CONNECTOR_ALLOWED_HOSTS = ["simpus.dinkes.example"]
    connector = make_connector(cast, dataset, f"http://simpus.dinkes.example:{source.port}/k.csv")
    work()
    assert connector.runs.get().status == "succeeded", connector.runs.get().messages
    assert source.hits[0][1]["Host"] == f"simpus.dinkes.example:{source.port}"


def redirect_to(url: str):
    def route(handler):
        handler.send_response(302)
        handler.send_header("Location", url)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route


def test_an_allowed_host_is_pulled_and_its_redirect_to_an_internal_port_is_refused(
    cast, dataset, source, internal, settings, connections
):
    """CONNECTOR_ALLOWED_HOSTS opens one internal source (host and port), nothing more:
    a redirect from it to another internal port is refused before connecting."""
    settings.CONNECTOR_ALLOWED_HOSTS = [f"127.0.0.1:{source.port}"]
    source.serve("/k.csv", GOOD_CSV)
    source.routes["/pindah.csv"] = redirect_to("/k.csv")
    source.routes["/bocor.csv"] = redirect_to(internal.url("/secret.csv"))
    direct = make_connector(cast, dataset, source.url("/pindah.csv"), name="langsung")
    leak = make_connector(cast, dataset, source.url("/bocor.csv"), name="bocor")
    work()
    assert direct.runs.get().status == "succeeded", direct.runs.get().messages
    run = leak.runs.get()
    assert run.status == "failed" and run.messages == [f"Alamat sumber 127.0.0.1 {INTERNAL}"]
    assert internal.hits == []
    assert ("127.0.0.1", internal.port) not in connections


def test_endless_redirects_stop(cast, dataset, source, settings):
    settings.CONNECTOR_ALLOWED_HOSTS = [f"127.0.0.1:{source.port}"]
    source.routes["/putar.csv"] = redirect_to("/putar.csv")
    connector = make_connector(cast, dataset, source.url("/putar.csv"))
    work()
    assert connector.runs.get(attempt=1).messages[0] == "Sumber mengalihkan lebih dari 5 kali."
    assert len(source.hits) == 6


def test_a_ckan_connector_to_an_internal_portal_is_refused(cast, dataset, internal, connections):
    connector = make_connector(
        cast, dataset, internal.base, name="CKAN", kind="ckan", ckan_dataset="kunjungan"
    )
    call_command("worker", "--once")
    assert connector.runs.get().messages == [f"Alamat sumber 127.0.0.1 {INTERNAL}"]
    assert internal.hits == [] and connections == []
