"""`satudata check`: Django's system checks plus the deployment's own, in plain sentences."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.check import Command as DjangoCheck
from django.test.utils import override_settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.core.commands import PlainRefusals
from satudata.core.deployment import cache_problem, deploy_problems, startup_problems


class Command(PlainRefusals, DjangoCheck):
    help = gettext_lazy(
        "Check the deployment (database, data folder, migrations) and Django's system checks."
    )

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
        cache = cache_problem()
        if cache:
            self.stderr.write(_("ERROR: %(problem)s") % {"problem": cache})
        elif settings.REDIS_URL:
            self.stdout.write(_("Redis (REDIS_URL) answers."))
        unsafe = deploy_problems() if options["deploy"] else []
        for check_ids, sentence in unsafe:
            ids = f" ({', '.join(check_ids)})" if check_ids else ""
            self.stderr.write(_("ERROR: %(problem)s") % {"problem": sentence} + ids)
        # Django's own report follows, without the warnings already said above in one
        # sentence each, and without its "no issues" line when there were some.
        self._quiet = bool(cache or unsafe)
        explained = [check_id for check_ids, _sentence in unsafe for check_id in check_ids]
        silenced = [*settings.SILENCED_SYSTEM_CHECKS, *explained]
        if options["deploy"] and options["fail_level"] == "ERROR":
            # Any warning left (a security check we do not explain above) fails the check too.
            options["fail_level"] = "WARNING"
        with override_settings(SILENCED_SYSTEM_CHECKS=silenced):
            super().handle(*app_labels, **options)
        if cache or unsafe:
            raise CommandError(_("The deployment has problems; see above."))

    def check(self, *args, **kwargs):
        if getattr(self, "_quiet", False):
            kwargs["display_num_errors"] = False
        return super().check(*args, **kwargs)
