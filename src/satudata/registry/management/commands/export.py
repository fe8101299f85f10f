"""`satudata export residents FILE --village CODE …`: the web export, for scripts and backups.

The file's type follows its name: `.xlsx` writes a workbook, `.csv` CSV (UTF-8 with BOM, as
the web export); another name is refused rather than given a type it does not say. With
`--user`, the account's scope applies as on the web.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.accounts.scope import read_scope
from satudata.core.commands import PlainRefusals, account
from satudata.core.oserrors import reason
from satudata.regions.codes import BadRegionCode, normalize_code
from satudata.regions.models import Region
from satudata.regions.services import served
from satudata.registry import exporter, units


class Command(PlainRefusals, BaseCommand):
    help = gettext_lazy("Export data to files: `satudata export residents FILE --village CODE`.")

    def add_arguments(self, parser):
        # The metavar names the choices in a usage error (argparse would name the dest, "kind").
        sub = parser.add_subparsers(dest="kind", required=True, metavar="{residents}")
        residents = sub.add_parser("residents", help=_("residents of a village, hamlet, RW or RT"))
        residents.add_argument("file", help=_("the file to write (.csv or .xlsx)"))
        residents.add_argument(
            "--village", required=True, help=_("village code, e.g. 62.01.02.2016")
        )
        residents.add_argument("--rt", default="", help=_("a hamlet, RW or RT id of that village"))
        residents.add_argument("--format", choices=sorted(exporter.FORMATS), default="opensid")
        residents.add_argument("--user", help=_("act as this account (its scope applies)"))

    def handle(self, *args, **options):
        actor = account(options.get("user"))
        try:
            village = Region.objects.get(
                code=normalize_code(options["village"]), level=Region.Level.VILLAGE
            )
        except (BadRegionCode, Region.DoesNotExist) as exc:
            raise CommandError(
                _("No village has the code %(code)s.") % {"code": options["village"]}
            ) from exc
        if not served(village.code):
            # As the web export's 404: its registry is kept by another database, so "0
            # residents written" would pass for an empty village.
            raise CommandError(_("This village lies outside the regencies this database serves."))
        if actor is not None and not read_scope(actor).allows(village.code):
            raise CommandError(
                _("%(name)s may not read the residents of village %(code)s.")
                % {"name": actor.get_username(), "code": village.code}
            )
        path = Path(options["file"])
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError(
                _("%(path)s: name the file .csv or .xlsx; its name chooses the type.")
                % {"path": path}
            )
        file_type = path.suffix.lower()[1:]
        try:
            residents, _area = exporter.residents_to_export(
                actor, village, options["rt"].strip(), fmt=options["format"], file_type=file_type
            )
        except units.NoSuchUnit as exc:
            raise CommandError(_("This village has no hamlet, RW or RT with this number.")) from exc
        counted = CountedLines(exporter.rows(residents, options["format"]))
        try:
            if file_type == "xlsx":
                path.write_bytes(exporter.xlsx_bytes(counted))
            else:
                with path.open("w", encoding="utf-8", newline="") as handle:
                    handle.writelines(exporter.csv_chunks(counted))
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": path, "error": reason(exc)}
            ) from exc
        self.stdout.write(
            _("%(n)d residents of %(village)s written to %(path)s.")
            % {"n": counted.rows, "village": f"{village.name} ({village.code})", "path": path}
        )


class CountedLines:
    """The export's lines, counting the residents (the lines after the header) as they pass."""

    def __init__(self, lines):
        self.lines = lines
        self.rows = -1  # the header is not a resident

    def __iter__(self):
        for line in self.lines:
            self.rows += 1
            yield line
