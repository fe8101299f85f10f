"""Downloading a source safely: time limit, size limit, conditional GET and content sniffing.

Every failure is a SourceProblem with an Indonesian message for the run log and a flag saying
whether trying again later can help (a timeout can; a file past the size limit cannot).
"""

from __future__ import annotations

import json
import socket
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _

CHUNK = 1 << 16
# A slow drip of bytes never trips the per-read timeout; this bounds the whole download.
TOTAL_SECONDS_PER_TIMEOUT = 20
USER_AGENT = "SatuData-connector/1"


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


def _opener():
    # Only http and https: no file:// or ftp:// reading of the server's own disk.
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.HTTPHandler,
        urllib.request.HTTPSHandler,
        urllib.request.HTTPRedirectHandler,
        urllib.request.HTTPDefaultErrorHandler,
        urllib.request.HTTPErrorProcessor,
    ):
        opener.add_handler(handler())
    return opener


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
    if not url.lower().startswith(("http://", "https://")):
        raise SourceProblem(_("Only http:// and https:// addresses can be pulled."))
    headers = {"User-Agent": USER_AGENT, "Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - scheme checked above
    try:
        response = _opener().open(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Download(path=None, not_modified=True, etag=etag, last_modified=last_modified)
        raise SourceProblem(
            _("The source answered with HTTP error %(code)d.") % {"code": exc.code},
            retry=exc.code >= 500 or exc.code in (408, 429),
        ) from exc
    except TimeoutError as exc:
        raise _timed_out(timeout) from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError | socket.timeout):
            raise _timed_out(timeout) from exc
        raise SourceProblem(
            _("The source cannot be reached: %(reason)s") % {"reason": exc.reason}, retry=True
        ) from exc
    with response:
        length = response.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise too_big(max_bytes)
        handle = tempfile.NamedTemporaryFile(prefix="satudata-pull-", delete=False)  # noqa: SIM115
        path = Path(handle.name)
        deadline = time.monotonic() + timeout * TOTAL_SECONDS_PER_TIMEOUT
        size = 0
        try:
            with handle:
                while True:
                    try:
                        chunk = response.read(CHUNK)
                    except TimeoutError as exc:
                        raise _timed_out(timeout) from exc
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
            etag=response.headers.get("ETag", ""),
            last_modified=response.headers.get("Last-Modified", ""),
            content_type=response.headers.get("Content-Type", ""),
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
