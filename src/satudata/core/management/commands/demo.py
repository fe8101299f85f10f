"""`satudata demo`: create the embedded database, load regions and demo data, then serve."""

from __future__ import annotations

import os
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.core.commands import PlainRefusals
from satudata.core.demo import passwords_file, seed_demo
from satudata.core.deployment import data_folder_problem, database_problem
from satudata.core.management.commands.serve import (
    chosen_port,
    default_workers,
    port_problem,
)
from satudata.regions.loader import load_regions


class Command(PlainRefusals, BaseCommand):
    help = gettext_lazy(
        "Set up a demo deployment (regions, agencies, accounts, synthetic residents) and serve it."
    )
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        # Text, checked by chosen_port: a bad value is one sentence, 0 is not "unset".
        parser.add_argument("--port", default=None, help=_("Default: $PORT or 8000."))
        parser.add_argument("--workers", type=int, default=default_workers())
        parser.add_argument("--no-serve", action="store_true", help=_("Set up, then stop."))

    def step(self, message: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(message))

    def handle(self, *args, **options):
        port = chosen_port(options["port"])
        # A taken port is said before the setup, not after it.
        serving = None if options["no_serve"] else port_problem(options["host"], port)
        problems = [p for p in (serving, data_folder_problem(), database_problem()) if p]
        if problems:
            raise CommandError(" ".join(problems))
        self.step(_("Data folder: %(folder)s") % {"folder": settings.DATA_DIR})
        self.step(_("1/3 Preparing the database…"))
        call_command("migrate", interactive=False, verbosity=0)
        self.step(_("2/3 Loading official region codes (Kepmendagri 300.2.2-2138/2025)…"))
        started = time.perf_counter()
        loaded = load_regions()
        self.stdout.write(f"    {loaded.summary(time.perf_counter() - started)}")
        self.step(_("3/3 Demo agencies, accounts and synthetic residents…"))
        result = seed_demo()
        self.stdout.write(
            "    " + _("%(count)d demo residents added") % {"count": result.residents_created}
        )
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(_("Demo accounts (also in %(file)s):") % {"file": passwords_file()})
        )
        for username, role, password in result.accounts:
            self.stdout.write(f"    {username:<20} {password:<14} {role}")
        self.stdout.write("")
        if options["no_serve"]:
            return
        self.stdout.write(
            self.style.SUCCESS(
                _("Open %(url)s in your browser.") % {"url": f"http://{options['host']}:{port}/"}
            )
        )
        serve_fresh(options["host"], port, options["workers"])


def serve_fresh(host: str, port: int, workers: int) -> None:
    """Serve from a new interpreter: this process's setup ran polars (the demo datasets),
    whose thread pool does not survive the fork of granian's workers. Their first polars
    call (an upload, an aid list) then waited forever, holding SQLite's write lock. `exec`
    replaces this process, keeping its id, its terminal and the environment."""
    sys.stdout.flush()
    sys.stderr.flush()
    arguments = ["--host", host, "--port", str(port), "--workers", str(workers)]
    os.execv(sys.executable, [sys.executable, "-m", "satudata", "serve", *arguments])  # noqa: S606
