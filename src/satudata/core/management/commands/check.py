"""`satudata check`: Django's system checks plus the deployment's own, in plain sentences."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.check import Command as DjangoCheck
from django.utils.translation import gettext as _

from satudata.core.commands import PlainRefusals
from satudata.core.deployment import startup_problems


class Command(PlainRefusals, DjangoCheck):
    help = "Check the deployment (database, data folder, migrations) and Django's system checks."

    def handle(self, *app_labels, **options):
        problems = startup_problems()
        if problems:
            for problem in problems:
                self.stderr.write(_("ERROR: %(problem)s") % {"problem": problem})
            raise CommandError(_("The deployment has problems; see above."))
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write(
            _("Database (%(engine)s) answers and is up to date.") % {"engine": engine}
        )
        self.stdout.write(_("Data folder %(folder)s is writable.") % {"folder": settings.DATA_DIR})
        super().handle(*app_labels, **options)
