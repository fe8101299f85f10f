"""`satudata serve`: the production server (granian, several worker processes)."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from satudata.core.deployment import startup_problems


def default_port() -> int:
    raw = os.environ.get("PORT", "8000")
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise CommandError(f"PORT must be a number from 1 to 65535, not {raw!r}.")
    return int(raw)


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


class Command(BaseCommand):
    help = "Serve the portal and API with several worker processes."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=None, help="Default: $PORT or 8000.")
        parser.add_argument("--workers", type=int, default=default_workers())
        parser.add_argument("--threads", type=int, default=4, help="Threads per worker.")

    def handle(self, *args, **options):
        port = options["port"] or default_port()
        problems = startup_problems()
        if problems:
            raise CommandError(" ".join(problems))
        self.stdout.write(
            _("Satu Data: %(url)s (%(workers)d workers; Ctrl+C to stop)")
            % {"url": f"http://{options['host']}:{port}/", "workers": options["workers"]}
        )
        run_server(options["host"], port, options["workers"], options["threads"])
