"""`satudata restore FILE`: bring a backup back; the current database is backed up first."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.core.backup import BackupError, restore
from satudata.core.commands import PlainRefusals


class Command(PlainRefusals, BaseCommand):
    help = gettext_lazy(
        "Restore a backup made by `satudata backup`, after backing up the current database."
    )
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help=_("Do not ask for confirmation."))

    def handle(self, *args, **options):
        if not options["yes"]:
            if not options.get("interactive", True):
                raise CommandError(_("Pass --yes to restore without a question."))
            answer = input(
                _("Replace the database with %(file)s? [y/N] ") % {"file": options["file"]}
            )
            if answer.strip().lower() not in {"y", "yes", "ya"}:
                raise CommandError(_("Restore cancelled; nothing changed."))
        try:
            result = restore(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("The database before this restore is kept in %(path)s.") % {"path": result.path}
        )
        self.stdout.write(self.style.SUCCESS(_("Restored %(file)s.") % {"file": options["file"]}))
        if not result.media_restored:
            self.stdout.write(
                _("This backup holds no media files; the media folder was left as it was.")
            )
        if result.pending:
            # Not run here: the restore brings back exactly the backup (compare its manifest);
            # migrating is the next, separate step, whose own errors are then its own.
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "This backup is older than this version (%(count)d migrations "
                        "pending); run satudata migrate before serving it."
                    )
                    % {"count": len(result.pending)}
                )
            )
