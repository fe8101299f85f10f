"""`satudata statistics publish`: a release of the public population statistics, now.

By default the public figures change once a month (SATUDATA_STATISTICS_RELEASE); the
custodian publishes an extra release when the month's figures should not wait, e.g. after
the first import of a village.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from satudata.core.commands import PlainRefusals
from satudata.registry import releases


class Command(PlainRefusals, BaseCommand):
    help = "Public population statistics: `satudata statistics publish` publishes a release now."

    def add_arguments(self, parser):
        # The metavar names the choices in a usage error (argparse would name the dest, "action").
        sub = parser.add_subparsers(dest="action", required=True, metavar="{publish}")
        sub.add_parser("publish", help="publish a release of the public statistics now")

    def handle(self, *args, **options):
        if releases.mode() not in releases.PERIODS:
            raise CommandError(
                _(
                    "SATUDATA_STATISTICS_RELEASE is live: public statistics follow every "
                    "change, so there is no release to publish."
                )
            )
        release = releases.publish(None)
        self.stdout.write(
            _("Statistics release %(number)s published, with figures as of %(day)s.")
            % {"number": release.number, "day": date_format(release.as_of)}
        )
