"""A time limit on the database statements of one block: public reads cannot run for minutes.

PostgreSQL: `SET LOCAL statement_timeout` inside a transaction (it ends with the block).
SQLite: a progress handler that interrupts a statement past the deadline. Blocks may nest
(datastore_search_sql's own limit inside the CKAN API's): the earlier deadline wins, and the
outer one is back in force when the inner block ends.
"""

from __future__ import annotations

import functools
import time
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

PUBLIC_READ_SECONDS = 10.0


class TooSlow(Exception):
    """A statement went past the block's time limit and was stopped."""


def took_too_long(exc: BaseException) -> bool:
    """Whether a database error is the time limit's (PostgreSQL's cancel, SQLite's interrupt)."""
    text = str(exc).lower()
    return "statement timeout" in text or "canceling statement" in text or "interrupt" in text


def _sqlite_handler(deadline: float):
    return lambda: int(time.monotonic() > deadline)


@contextmanager
def statement_deadline(seconds: float):
    """Run the block's statements with a time limit; TooSlow when one goes past it."""
    try:
        if connection.vendor == "postgresql":
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {max(1, int(seconds * 1000))}")
                yield cursor
            return
        connection.ensure_connection()
        raw = connection.connection
        previous = getattr(connection, "satudata_deadline", None)
        deadline = time.monotonic() + seconds
        if previous is not None:
            deadline = min(deadline, previous)
        connection.satudata_deadline = deadline
        raw.set_progress_handler(_sqlite_handler(deadline), 10_000)
        try:
            with connection.cursor() as cursor:
                yield cursor
        finally:
            connection.satudata_deadline = previous
            if previous is None:
                raw.set_progress_handler(None, 0)
            else:
                raw.set_progress_handler(_sqlite_handler(previous), 10_000)
    except OperationalError as exc:
        if took_too_long(exc):
            raise TooSlow(str(exc)) from exc
        raise


def limited_public_read(view):
    """A view whose database reads stop after PUBLIC_READ_SECONDS: the visitor gets a 503
    asking for a shorter search (JSON under /api/, the error page elsewhere), not a 500 or
    a connection that a database keeps busy for minutes after the client left."""

    @functools.wraps(view)
    def limited(request, *args, **kwargs):
        try:
            with statement_deadline(PUBLIC_READ_SECONDS):
                return view(request, *args, **kwargs)
        except TooSlow:
            message = _("The search took too long. Try a shorter search or fewer filters.")
            if request.path.startswith("/api/"):
                body = {"success": False, "error": {"__type": "Timeout", "message": message}}
                response = JsonResponse(body, status=503)
            else:
                page = render_to_string("400.html", {"reason": message}, request)
                response = HttpResponse(page, status=503)
            response["Retry-After"] = "10"
            return response

    return limited
