"""`satudata worker`: run background jobs (connector pulls and retries, duplicate searches)."""

from __future__ import annotations

import contextlib
import signal

from django.core.management.base import BaseCommand
from django.utils import timezone

from satudata.integration import queue, worker


class Command(BaseCommand):
    help = (
        "Run background jobs: scheduled connector pulls and their retries, duplicate searches. "
        "Blocks on the Redis queue when REDIS_URL is set, else polls the database; safe to "
        "run several."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is due, then exit")
        parser.add_argument(
            "--sleep",
            type=float,
            default=10.0,
            help="seconds between polls, or the longest wait on Redis (default 10)",
        )

    def handle(self, *args, once: bool = False, sleep: float = 10.0, **options):
        def say(line: str) -> None:
            stamp = timezone.localtime().strftime("%H:%M:%S")
            self.stdout.write(f"[{stamp}] {line}")
            self.stdout.flush()

        source = "Redis queue" if queue.client() is not None else "database queue"
        if once:
            say(f"worker started (once, {source})")
            done = worker.work_once(say)
            say(f"worker finished: {len(done)} run(s)")
            return
        say(f"worker started ({source}, waiting up to {sleep:g} s)")
        stopping: list[int] = []

        def stop(signum, _frame):
            # systemd stops a service with SIGTERM: a running job is finished first (a job cut
            # short would wait two hours to be failed and retried); a waiting worker leaves now.
            stopping.append(signum)
            if not worker.busy[0]:
                raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        with contextlib.suppress(KeyboardInterrupt):
            worker.serve(say, sleep, stop=lambda: bool(stopping))
        say("worker stopped")
