"""`satudata import residents FILE …`: the registry's subcommand of the `import` command."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.db import connection
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from satudata.core.commands import account
from satudata.core.oserrors import reason
from satudata.env import make_private
from satudata.registry.import_format import max_bytes, too_large
from satudata.registry.models import ImportJob

NAME = "residents"
# Translated where the parser is made (`import` command): the language is active only then.
HELP = gettext_noop("Import residents from an OpenSID-format or Satu Data CSV/XLSX file.")


def add_arguments(parser) -> None:
    parser.add_argument("file", nargs="?", help=_("CSV or XLSX file"))
    parser.add_argument("--village", help=_("village code, e.g. 62.01.02.2016 (else kode_desa)"))
    parser.add_argument(
        "--mode",
        choices=[m.value for m in ImportJob.Mode],
        default=ImportJob.Mode.ALL_OR_NOTHING.value,
    )
    parser.add_argument("--dry-run", action="store_true", help=_("check only, save nothing"))
    parser.add_argument("--errors", help=_("where to write the error file (CSV)"))
    parser.add_argument("--user", help=_("act as this account (its scope applies)"))
    parser.add_argument("--job", type=int, help=_("run a queued web import job"))


class Bar:
    """A progress bar on stderr; on a pipe it prints a line every 10 %."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr  # read when called: tests and tools replace it
        self.tty = self.stream.isatty()
        self.last = -1

    def __call__(self, done: int, total: int, rows: int) -> None:
        pct = int(100 * done / total) if total else 100
        # "2.999 baris" in Indonesian, "2,999 rows" in English.
        count = _("%(rows)s rows") % {"rows": number_format(rows, force_grouping=True)}
        if self.tty:
            filled = pct // 4
            self.stream.write(f"\r[{'#' * filled}{'.' * (25 - filled)}] {pct:3d}% {count}")
            self.stream.flush()
        elif pct // 10 != self.last // 10:
            self.stream.write(f"{pct}% {count}\n")
        self.last = pct

    def end(self) -> None:
        if self.tty:
            self.stream.write("\n")


def handle(options, stdout) -> None:
    from satudata.registry import jobs
    from satudata.registry.importer import run_import

    if options.get("job"):
        jobs.run_job(options["job"])
        return
    if not options.get("file"):
        raise CommandError(_("Name the file to import."))
    # The deployment before the file: a database that does not answer is reported first
    # (PlainRefusals says what to fix), as for every command.
    connection.ensure_connection()
    path = Path(options["file"])
    readable(path)
    if path.stat().st_size > max_bytes():
        # Said here, not by the importer: its message rounds the size down ("1 MB; the
        # largest file accepted is 1 MB").
        raise CommandError(too_large(path.stat().st_size))
    actor = account(options.get("user"))
    bar = Bar()
    try:
        report = run_import(
            path,
            actor=actor,
            village=options.get("village"),
            mode=options["mode"],
            dry_run=options["dry_run"],
            error_path=Path(options["errors"]) if options.get("errors") else None,
            progress=bar,
        )
    except KeyboardInterrupt:
        # The import's transaction rolled back on the way out (the writer's batch in flight
        # ended first); an operator who pressed Ctrl+C needs that, not a traceback.
        bar.end()
        raise CommandError(
            _("Import cancelled (Ctrl+C) before it finished; nothing was saved."),
            returncode=130,
        ) from None
    except PermissionDenied as exc:
        # The account's scope does not reach the village: one sentence naming both, not
        # a traceback ending in the web's "you may not change…".
        bar.end()
        if actor is not None and options.get("village"):
            message = _("%(name)s may not change the residents of village %(code)s.") % {
                "name": actor.get_username(),
                "code": options["village"],
            }
        else:
            message = str(exc) or _("You may not change the residents of this village.")
        raise CommandError(message) from None
    bar.end()
    for warning in report.warnings:
        stdout.write(_("Warning: %(text)s") % {"text": warning})
    stdout.write(summary(report, options["dry_run"]))
    for line in report.sample:
        stdout.write(line)
    if report.error_path and Path(report.error_path).is_file():
        # The error file quotes the refused values (NIKs): this account's only, also when
        # it replaced an older file that was readable by others.
        make_private(Path(report.error_path))
    if report.rejected:
        stdout.write(
            _("Errors (row, column, value, message): %(path)s") % {"path": report.error_path}
        )
    if report.message:
        raise CommandError(report.message)
    if options["dry_run"]:
        # The exit status of a dry run is the real run's: a script can check a file first.
        if report.rejected and options["mode"] == ImportJob.Mode.ALL_OR_NOTHING:
            raise CommandError(
                _(
                    "Dry run: %(n)d rows would be rejected, so this import would save "
                    "nothing (all-or-nothing mode)."
                )
                % {"n": report.rejected}
            )
        return
    if not report.committed:
        raise CommandError(
            _("Nothing was saved: %(n)d rows were rejected (all-or-nothing mode).")
            % {"n": report.rejected}
        )


def readable(path: Path) -> None:
    """Refuse a file that is not there or cannot be read, naming it (the importer would
    call a missing file empty, and an unreadable one would end in a traceback)."""
    if not path.exists():
        raise CommandError(_("The file %(path)s does not exist.") % {"path": path})
    if path.is_dir():
        raise CommandError(_("%(path)s is a folder, not a file.") % {"path": path})
    try:
        with path.open("rb"):
            pass
    except PermissionError:
        raise CommandError(
            _("The file %(path)s cannot be read: permission denied.") % {"path": path}
        ) from None
    except OSError as exc:
        raise CommandError(
            _("The file %(path)s cannot be read: %(error)s") % {"path": path, "error": reason(exc)}
        ) from None


def summary(report, dry_run: bool) -> str:
    if report.message and not report.rows:
        # Refused before a row was counted: "0 rows: 0 added, …" would only add noise.
        return _("Dry run: nothing was saved.") if dry_run else _("Nothing was saved.")
    if dry_run or not report.committed:  # nothing was written: say what would have been
        text = _(
            "%(rows)d rows: %(added)d would be added, %(updated)d would be updated, "
            "%(unchanged)d unchanged, %(rejected)d rejected."
        )
    else:
        text = _(
            "%(rows)d rows: %(added)d added, %(updated)d updated, %(unchanged)d unchanged, "
            "%(rejected)d rejected."
        )
    text = text % {
        "rows": report.rows,
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
    }
    if dry_run:
        text += " " + _("Dry run: nothing was saved.")
    elif report.message and not report.committed:
        text += " " + _("Nothing was saved.")  # the file failed part-way: all rolled back
    return text
