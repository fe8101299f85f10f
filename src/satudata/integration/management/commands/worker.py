"""`satudata worker`: run scheduled connector pulls and their retries, forever or once."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from satudata.integration import services


class Command(BaseCommand):
    help = "Run due connector pulls and retries (database-backed queue; safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is due, then exit")
        parser.add_argument(
            "--sleep", type=float, default=10.0, help="seconds between polls (default 10)"
        )

    def handle(self, *args, once: bool = False, sleep: float = 10.0, **options):
        def say(line: str) -> None:
            stamp = timezone.localtime().strftime("%H:%M:%S")
            self.stdout.write(f"[{stamp}] {line}")
            self.stdout.flush()

        say("worker started" + (" (once)" if once else f", polling every {sleep:g} s"))
        while True:
            done = services.work_once(say=say)
            if once:
                say(f"worker finished: {len(done)} run(s)")
                return
            try:
                time.sleep(sleep)
            except KeyboardInterrupt:
                say("worker stopped")
                return
