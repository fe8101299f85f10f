"""`satudata backup [FILE]`: a consistent copy of the database, safe while serving."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.core.backup import BackupError, backup
from satudata.core.commands import PlainRefusals


class Command(PlainRefusals, BaseCommand):
    help = gettext_lazy(
        "Back up the whole database (SQLite online backup, or pg_dump for PostgreSQL)."
    )
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help=_("Default: $SATUDATA_HOME/backups/…"))

    def handle(self, *args, **options):
        try:
            result = backup(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(result.tables.values())
        self.stdout.write(
            self.style.SUCCESS(
                _("Backup written: %(path)s (%(tables)d tables, %(rows)d rows)")
                % {"path": result.path, "tables": len(result.tables), "rows": rows}
            )
        )
