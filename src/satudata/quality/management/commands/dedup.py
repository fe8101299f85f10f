"""`satudata dedup`: find residents registered twice and store them as candidate pairs."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.core.commands import PlainRefusals
from satudata.core.numbers import tenths, whole
from satudata.core.oserrors import reason
from satudata.quality import linkage
from satudata.quality.services import dedup


class Command(PlainRefusals, BaseCommand):
    help = gettext_lazy(
        "Find possible duplicate residents (probabilistic record linkage) for the custodian."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help=_("also write the pairs to this CSV file"))
        parser.add_argument(
            "--threshold",
            type=float,
            default=linkage.DEFAULT_THRESHOLD,
            help=_("minimum match probability, 0–1 (default %(default)s)"),
        )

    def handle(self, *args, output=None, threshold=linkage.DEFAULT_THRESHOLD, **options):
        if not 0 < threshold < 1:
            raise CommandError(_("--threshold must be between 0 and 1, e.g. 0.95."))
        start = time.perf_counter()
        result = dedup.run(None, threshold=threshold)
        if output:
            try:
                dedup.write_csv(output, result.pairs)
            except OSError as exc:
                raise CommandError(
                    _("Cannot write %(file)s: %(error)s.") % {"file": output, "error": reason(exc)}
                ) from exc
        self.stdout.write(
            _(
                "%(residents)s residents compared in %(seconds)s s: %(pairs)s candidate pairs "
                "(%(new)s new, %(updated)s updated), %(decided)s already decided and not "
                "proposed again."
            )
            % {
                "residents": whole(result.residents),
                "seconds": tenths(time.perf_counter() - start),
                "pairs": whole(len(result.pairs)),
                "new": whole(result.created),
                "updated": whole(result.updated),
                "decided": whole(result.skipped_decided),
            }
        )
