"""`satudata serve`: the production server (granian, several worker processes)."""

from __future__ import annotations

import errno
import os
import socket

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.core.commands import PlainRefusals
from satudata.core.deployment import startup_problems
from satudata.core.oserrors import reason


def default_port() -> int:
    raw = os.environ.get("PORT", "8000")
    if not _valid_port(raw):
        raise CommandError(
            _("PORT must be a number from 1 to 65535, not %(value)r.") % {"value": raw}
        )
    return int(raw)


def _valid_port(raw: str) -> bool:
    return raw.isdigit() and 0 < int(raw) < 65536


def chosen_port(option: str | int | None) -> int:
    """--port when given (0 is refused, not taken for "unset"), else $PORT or 8000."""
    if option is None:
        return default_port()
    raw = str(option).strip()
    if not _valid_port(raw):
        raise CommandError(
            _("--port must be a number from 1 to 65535, not %(value)r.") % {"value": option}
        )
    return int(raw)


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port, or None.

    granian listens with SO_REUSEPORT, so a second server on a port already served (an old
    version left running after an upgrade, say) starts without an error, and the kernel hands
    each connection to one or the other: old code answering beside new. A probe socket
    without SO_REUSEPORT cannot bind while any server listens there, so it finds that."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # Connections of a stopped server waiting in TIME_WAIT must not count as a server.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return _(
                    "Port %(port)d on %(host)s is already in use, perhaps by a Satu Data "
                    "server that is still running. Stop it first, or choose another port "
                    "(PORT or --port)."
                ) % {"port": port, "host": host}
            return _("Cannot listen on %(host)s:%(port)d: %(error)s.") % {
                "host": host,
                "port": port,
                "error": reason(exc),
            }
    return None


def default_workers() -> int:
    # Django is CPU-bound under the GIL: one process per core, threads cover database waits.
    return max(2, min(8, os.cpu_count() or 1))


def run_server(host: str, port: int, workers: int, threads: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    Granian(
        "satudata.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        respawn_failed_workers=True,
        log_access=False,
    ).serve()


class Command(PlainRefusals, BaseCommand):
    help = gettext_lazy("Serve the portal and API with several worker processes.")
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        # Read as text and checked in handle(), so a bad value is one sentence, not argparse's
        # usage text or a traceback from bind().
        parser.add_argument("--port", default=None, help=_("Default: $PORT or 8000."))
        parser.add_argument("--workers", type=int, default=default_workers())
        parser.add_argument("--threads", type=int, default=4, help=_("Threads per worker."))

    def handle(self, *args, **options):
        port = chosen_port(options["port"])
        problem = port_problem(options["host"], port)
        if problem:
            raise CommandError(problem)
        problems = startup_problems()
        if problems:
            raise CommandError(" ".join(problems))
        self.stdout.write(
            _("Satu Data: %(url)s (%(workers)d workers; Ctrl+C to stop)")
            % {"url": f"http://{options['host']}:{port}/", "workers": options["workers"]}
        )
        run_server(options["host"], port, options["workers"], options["threads"])
