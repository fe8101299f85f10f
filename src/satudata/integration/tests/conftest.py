"""A local HTTP source (never the internet) and a dataset for connectors to fill."""

from __future__ import annotations

import http.server
import threading
import time

import pytest

from satudata.datasets import services as datasets
from satudata.integration import services

FIELDS = [
    {"name": "kode_wilayah", "label": "Kode wilayah", "type": "region", "required": True},
    {"name": "jumlah", "label": "Jumlah", "type": "integer", "required": True, "minimum": 0},
    {"name": "keterangan", "label": "Keterangan", "type": "string"},
]
# The connector form as a producer fills it in (the dataset is added per test).
CONNECTOR_FORM = {
    "name": "SIMPUS",
    "kind": "url",
    "url": "http://127.0.0.1:9/k.csv",
    "format": "csv",
    "interval_minutes": 60,
    "enabled": "on",
    "timeout_seconds": 30,
    "max_size_mb": 50,
}


GOOD_CSV = (
    "kode_wilayah,jumlah,keterangan\n"
    "62.01.02.2016,2,Natai Raya\n"
    "62.01.02.2012,3,Runtu\n"
    "62.01.02.2018,1,\n"
)
# The agency's application names its columns its own way.
MAPPED_CSV = "kode_desa;total;catatan\n62.01.02.2016;7;a\n62.01.02.2012;8;b\n"
MAPPING = {"kode_desa": "kode_wilayah", "total": "jumlah", "catatan": "keterangan"}


class Source(http.server.ThreadingHTTPServer):
    """Routes: path -> (status, headers, body bytes) or a callable taking the handler."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict = {}
        self.hits: list[tuple[str, dict]] = []

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, body, content_type="text/csv", status=200, headers=None):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = (status, {"Content-Type": content_type, **(headers or {})}, body)


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - http.server's name
        path = self.path.split("?", 1)[0]
        self.server.hits.append((self.path, dict(self.headers)))
        route = self.server.routes.get(path)
        if route is None:
            self.send_error(404)
            return
        if callable(route):
            route(self)
            return
        status, headers, body = route
        etag = headers.get("ETag")
        if etag and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def slow(seconds: float):
    def route(handler):
        time.sleep(seconds)
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", "text/csv")
            handler.end_headers()
            handler.wfile.write(GOOD_CSV.encode())
        except OSError:
            pass

    return route


def endless(handler):
    """A source that never stops sending (no Content-Length), like a 10 GB export."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/csv")
    handler.end_headers()
    line = (
        b"62.01.02.2016,1,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n" * 1000
    )
    try:
        handler.wfile.write(b"kode_wilayah,jumlah,keterangan\n")
        for _ in range(100_000):
            handler.wfile.write(line)
    except OSError:
        pass


@pytest.fixture(autouse=True)
def private_sources_allowed(settings):
    """The local test sources are on 127.0.0.1, which production refuses (SSRF); the tests
    of that refusal (test_addresses.py) switch this off again."""
    settings.CONNECTOR_ALLOW_PRIVATE_ADDRESSES = True
    settings.CONNECTOR_ALLOWED_HOSTS = []


@pytest.fixture
def source():
    server = Source()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def dataset(cast):
    return datasets.create_dataset(
        cast.producer_a,
        agency=cast.agency_a,
        slug="kunjungan-puskesmas",
        title="Kunjungan puskesmas per desa",
        topic="health",
        fields=FIELDS,
    )


def make_connector(cast, dataset, url, **extra):
    values = {"name": "SIMPUS", "dataset": dataset, "url": url, "year": 2025, **extra}
    return services.create_connector(cast.producer_a, **values)
