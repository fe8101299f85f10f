"""`satudata statistics publish`: a release of the public population statistics, now.

By default the public figures change once a month (SATUDATA_STATISTICS_RELEASE); the
custodian publishes an extra release when the month's figures should not wait, e.g. after
the first import of a village. With `--user`, the audit trail names that account (a
custodian) as the publisher, as the button on the statistics page does; without it, the
system.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.core.commands import PlainRefusals, account
from satudata.registry import releases


class Command(PlainRefusals, BaseCommand):
    help = gettext_lazy(
        "Public population statistics: `satudata statistics publish` publishes a release now."
    )

    def add_arguments(self, parser):
        # The metavar names the choices in a usage error (argparse would name the dest, "action").
        sub = parser.add_subparsers(dest="action", required=True, metavar="{publish}")
        publish = sub.add_parser(
            "publish", help=_("publish a release of the public statistics now")
        )
        publish.add_argument(
            "--user", help=_("publish as this account (a custodian), named in the audit trail")
        )

    def handle(self, *args, **options):
        actor = account(options.get("user"))
        if releases.mode() not in releases.PERIODS:
            raise CommandError(
                _(
                    "SATUDATA_STATISTICS_RELEASE is live: public statistics follow every "
                    "change, so there is no release to publish."
                )
            )
        try:
            release = releases.publish(actor)
        except PermissionDenied:
            raise CommandError(
                _("%(name)s may not publish the public statistics: only the custodian may.")
                % {"name": actor.get_username()}
            ) from None
        if getattr(release, "not_published", False):
            # Not a success: a script or a cron job sees the exit status.
            raise CommandError(releases.outcome(release))
        self.stdout.write(releases.outcome(release))
