"""`satudata worker`: run background jobs (connector pulls and retries, duplicate searches)."""

from __future__ import annotations

import contextlib
import signal

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from satudata.core.commands import PlainRefusals
from satudata.integration import queue, worker


class Command(PlainRefusals, BaseCommand):
    help = gettext_lazy(
        "Run background jobs: scheduled connector pulls and their retries, duplicate searches. "
        "Blocks on the Redis queue when REDIS_URL is set, else polls the database; safe to "
        "run several."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help=_("run what is due, then exit"))
        parser.add_argument(
            "--sleep",
            type=float,
            default=10.0,
            help=_("seconds between polls, or the longest wait on Redis (default 10)"),
        )

    def handle(self, *args, once: bool = False, sleep: float = 10.0, **options):
        def say(line: str) -> None:
            stamp = timezone.localtime().strftime("%H:%M:%S")
            self.stdout.write(f"[{stamp}] {line}")
            self.stdout.flush()

        source = _("Redis queue") if queue.client() is not None else _("database queue")
        if once:
            say(_("Worker started (once, %(source)s).") % {"source": source})
            done = worker.work_once(say)
            count = len(done)
            say(
                ngettext(
                    "Worker finished: %(count)d job run.",
                    "Worker finished: %(count)d jobs run.",
                    count,
                )
                % {"count": count}
            )
            return
        say(
            _("Worker started (%(source)s, waiting up to %(sleep)s s).")
            % {"source": source, "sleep": f"{sleep:g}"}
        )
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
        say(_("Worker stopped."))
