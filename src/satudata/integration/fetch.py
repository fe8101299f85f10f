"""Downloading a source safely: public addresses only, time limit, size limit, conditional GET
and content sniffing.

Every failure is a SourceProblem with an Indonesian message for the run log and a flag saying
whether trying again later can help (a timeout can; a file past the size limit cannot).
"""

from __future__ import annotations

import contextlib
import errno
import http.client
import json
import socket
import ssl
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _

from satudata.integration import addresses

CHUNK = 1 << 16
# A slow drip of bytes never trips the per-read timeout; this bounds the whole download.
TOTAL_SECONDS_PER_TIMEOUT = 20
USER_AGENT = "SatuData-connector/1"
REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
UNREACHABLE = (errno.ENETUNREACH, errno.EHOSTUNREACH)
# Characters kept as they are when a path with spaces or non-ASCII letters is sent.
PATH_SAFE = "/%:@!$&'()*+,;=-._~?"


class SourceProblem(Exception):
    """The source could not be loaded; `retry` says whether a later attempt may succeed."""

    def __init__(self, message: str, retry: bool = False):
        super().__init__(message)
        self.message = message
        self.retry = retry


@dataclass
class Download:
    path: Path | None
    size: int = 0
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""
    not_modified: bool = False


@dataclass
class Target:
    scheme: str
    host: str
    port: int
    path: str


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the addresses checked before, never to a fresh DNS answer: a name that
    resolved to a public address at the check cannot point at 127.0.0.1 at the connect
    (DNS rebinding). The Host header still carries the name."""

    def __init__(self, host: str, port: int, timeout: float, checked: list[str]):
        super().__init__(host, port, timeout=timeout)
        self.checked = checked

    def connect(self):
        failure: OSError | None = None
        for address in self.checked:  # the next address when one fails, like create_connection
            try:
                self.sock = socket.create_connection((address, self.port), self.timeout)
                return
            except OSError as exc:
                failure = exc
        raise failure or OSError(errno.EHOSTUNREACH, "no address")


class PinnedHTTPSConnection(PinnedHTTPConnection):
    default_port = 443

    def __init__(self, host: str, port: int, timeout: float, checked: list[str]):
        super().__init__(host, port, timeout, checked)
        self.tls = ssl.create_default_context()

    def connect(self):
        super().connect()
        # SNI and the certificate check use the name, exactly as when connecting by name.
        self.sock = self.tls.wrap_socket(self.sock, server_hostname=self.host)


def _timed_out(timeout: float) -> SourceProblem:
    return SourceProblem(
        _("The source did not answer in time: timed out after %(s)d s.") % {"s": timeout},
        retry=True,
    )


def too_big(max_bytes: int) -> SourceProblem:
    return SourceProblem(
        _("The source has more than the limit of %(mb)d MB; nothing was loaded.")
        % {"mb": max_bytes // (1 << 20)}
    )


def _network_problem(exc: Exception, timeout: float) -> SourceProblem:
    """One Indonesian sentence for a network failure, never the OS's own text ([Errno 111])."""
    if isinstance(exc, TimeoutError):
        return _timed_out(timeout)
    if isinstance(exc, ssl.SSLCertVerificationError):
        message = _("The source's TLS certificate is not valid for its address.")
    elif isinstance(exc, ssl.SSLError):
        message = _("The secure (TLS) connection to the source failed.")
    elif isinstance(exc, ConnectionRefusedError):
        message = _("The source refused the connection.")
    elif isinstance(exc, http.client.HTTPException | ConnectionError):
        # RemoteDisconnected, BadStatusLine, IncompleteRead: e.g. a database port, not a web server.
        message = _("The source closed the connection without a complete HTTP answer.")
    elif isinstance(exc, OSError) and exc.errno in UNREACHABLE:
        message = _("The network to the source cannot be reached.")
    else:
        message = _("The source cannot be reached.")
    return SourceProblem(message, retry=True)


@contextlib.contextmanager
def _network_errors(timeout: float):
    try:
        yield
    except (OSError, http.client.HTTPException) as exc:
        raise _network_problem(exc, timeout) from exc


def _target(url: str) -> Target:
    """The parts of an address we may connect to: http(s), no credentials, a host."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise SourceProblem(_("Only http:// and https:// addresses can be pulled."))
    if addresses.has_credentials(url):
        raise SourceProblem(addresses.credentials_message())
    try:
        port = parts.port or addresses.DEFAULT_PORTS[scheme]
    except ValueError:
        port = None
    if not parts.hostname or port is None:
        raise SourceProblem(_("The source address is not valid."))
    path = urllib.parse.quote(parts.path or "/", safe=PATH_SAFE)
    if parts.query:
        path += "?" + urllib.parse.quote(parts.query, safe=PATH_SAFE)
    return Target(scheme, parts.hostname, port, path)


def _checked_addresses(target: Target) -> list[str]:
    try:
        return addresses.resolve(target.host, target.port)
    except addresses.InternalAddress as exc:
        # Refused before any connection: no answer, so no way to tell open from closed ports.
        raise SourceProblem(exc.message) from None
    except socket.gaierror as exc:
        raise SourceProblem(
            _("The source's host name %(host)s was not found.") % {"host": target.host},
            retry=True,
        ) from exc
    except UnicodeError as exc:  # a host name that cannot be encoded for DNS
        raise SourceProblem(_("The source address is not valid.")) from exc


def _get(url: str, headers: dict, timeout: float):
    """One GET of `url` on a connection pinned to its checked addresses."""
    target = _target(url)
    checked = _checked_addresses(target)
    kind = PinnedHTTPSConnection if target.scheme == "https" else PinnedHTTPConnection
    connection = kind(target.host, target.port, timeout, checked)
    try:
        with _network_errors(timeout):
            connection.request("GET", target.path, headers=headers)
            return connection, connection.getresponse()
    except BaseException:
        connection.close()
        raise


def download(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    etag: str = "",
    last_modified: str = "",
    accept: str = "*/*",
) -> Download:
    """Stream `url` to a temporary file, stopping past `max_bytes`; 304 means no change."""
    with translation.override("id"):
        return _download(url, timeout, max_bytes, etag, last_modified, accept)


def _download(url, timeout, max_bytes, etag, last_modified, accept) -> Download:
    headers = {"User-Agent": USER_AGENT, "Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    # Redirects are followed here, not by a library, so every hop's address is checked.
    for _hop in range(MAX_REDIRECTS + 1):
        connection, response = _get(url, headers, timeout)
        with contextlib.closing(connection), response:
            location = response.getheader("Location")
            if response.status in REDIRECTS and location:
                url = urllib.parse.urljoin(url, location)
                continue
            if response.status == 304:
                return Download(None, not_modified=True, etag=etag, last_modified=last_modified)
            if not 200 <= response.status < 300:
                raise SourceProblem(
                    _("The source answered with HTTP error %(code)d.") % {"code": response.status},
                    retry=response.status >= 500 or response.status in (408, 429),
                )
            return _receive(response, timeout, max_bytes)
    raise SourceProblem(
        _("The source redirected more than %(n)d times.") % {"n": MAX_REDIRECTS}, retry=True
    )


def _receive(response: http.client.HTTPResponse, timeout: float, max_bytes: int) -> Download:
    length = response.getheader("Content-Length")
    if length and length.isascii() and length.isdigit() and int(length) > max_bytes:
        raise too_big(max_bytes)
    handle = tempfile.NamedTemporaryFile(prefix="satudata-pull-", delete=False)  # noqa: SIM115
    path = Path(handle.name)
    deadline = time.monotonic() + timeout * TOTAL_SECONDS_PER_TIMEOUT
    size = 0
    try:
        with handle:
            while True:
                with _network_errors(timeout):
                    chunk = response.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise too_big(max_bytes)
                if time.monotonic() > deadline:
                    raise _timed_out(timeout * TOTAL_SECONDS_PER_TIMEOUT)
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Download(
        path=path,
        size=size,
        etag=response.getheader("ETag", ""),
        last_modified=response.getheader("Last-Modified", ""),
        content_type=response.getheader("Content-Type", ""),
    )


FORMAT_NAMES = {"csv": "CSV", "xlsx": "XLSX", "json": "JSON"}


def sniff(path: Path, content_type: str, fmt: str) -> None:
    """Refuse a body that is not the expected format (an HTML login or error page, mostly)."""
    with translation.override("id"):
        with path.open("rb") as handle:
            head = handle.read(512)
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        expected = FORMAT_NAMES[fmt]
        is_html = "text/html" in content_type.lower() or text.startswith(
            (b"<!doctype html", b"<html", b"<head", b"<body")
        )
        if is_html:
            raise SourceProblem(
                _("The source answered an HTML page instead of %(fmt)s (a login or error page?).")
                % {"fmt": expected},
                retry=True,
            )
        if not text:
            raise SourceProblem(_("The source answered an empty file."), retry=True)
        wrong = (fmt == "xlsx" and not head.startswith(b"PK\x03\x04")) or (
            fmt == "json" and not text.startswith((b"[", b"{"))
        )
        if wrong:
            raise SourceProblem(_("The source's answer is not a %(fmt)s file.") % {"fmt": expected})


def get_json(url: str, *, timeout: float, max_bytes: int) -> tuple[dict, int]:
    """A JSON answer (a CKAN action) with the same limits; returns the body and its size."""
    got = download(url, timeout=timeout, max_bytes=max_bytes, accept="application/json")
    try:
        with translation.override("id"):
            sniff(got.path, got.content_type, "json")
            try:
                return json.loads(got.path.read_text(encoding="utf-8")), got.size
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise SourceProblem(_("The source's answer is not valid JSON.")) from exc
    finally:
        got.path.unlink(missing_ok=True)
