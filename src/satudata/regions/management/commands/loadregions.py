"""`satudata loadregions [PREFIX …]`: load or update the official region codes."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.core.commands import PlainRefusals
from satudata.regions.loader import SOURCE, load_regions


class Command(PlainRefusals, BaseCommand):
    help = gettext_lazy(
        "Load or update the official Kemendagri region codes (all, or inside given prefixes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("prefixes", nargs="*", help=_("e.g. 61 62.01 (default: the country)"))

    def handle(self, *args, **options):
        started = time.perf_counter()
        result = load_regions(options["prefixes"] or None)
        self.stdout.write(f"{SOURCE}: {result.summary(time.perf_counter() - started)}")
