"""What our management commands share: refusals written as `satudata: …`.

Django writes a CommandError on the command line as `CommandError: <message>`, an English
class name in front of our Indonesian sentence. Our commands put `PlainRefusals` first
in their bases; called from code (`call_command`, tests), they still raise as before.

A database error on the command line is explained the same way when its cause is the
deployment's (the database is not migrated, or does not answer): an operator who runs
`satudata import …` before `satudata migrate` gets the command to run, not a traceback
ending in "no such table". Any other database error is raised as it is.
"""

from __future__ import annotations

import sys

from django.core.management.base import CommandError, SystemCheckError
from django.db import DatabaseError
from django.utils.translation import gettext as _


class PlainRefusals:
    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # `help` is a lazy translation (gettext_lazy): argparse wraps it as text, in the
        # language active now (Indonesian on the command line; QA found the help English).
        parser.description = str(self.help) if self.help else None
        # Django's own options (--verbosity, --settings …) have English help texts, listed
        # for the catalog in `argparse_language.DJANGO_OPTIONS`.
        for action in parser._actions:
            if isinstance(action.help, str) and action.help:
                action.help = _(action.help)
        return parser

    def execute(self, *args, **options):
        # run_from_argv sets this flag: only a real command line gets the short form.
        plain = getattr(self, "_called_from_command_line", False) and not options.get("traceback")
        try:
            return super().execute(*args, **options)
        except SystemCheckError:
            raise  # Django formats the system checks' report itself
        except CommandError as exc:
            if not plain:
                raise
            self.stderr.write(f"satudata: {exc}")
            sys.exit(exc.returncode)
        except DatabaseError:
            problems = _deployment_problems() if plain else []
            if not problems:
                raise
            for problem in problems:
                self.stderr.write(f"satudata: {problem}")
            sys.exit(1)


def account(username: str | None):
    """The account a command's `--user` names (None without one: the system acts)."""
    if not username:
        return None
    from satudata.accounts.models import User  # needs the apps loaded

    actor = User.objects.filter(username=username).first()
    if actor is None:
        raise CommandError(_("No account is called %(name)s.") % {"name": username})
    return actor


def _deployment_problems() -> list[str]:
    from satudata.core.deployment import startup_problems  # needs the apps loaded

    try:
        return startup_problems()
    except DatabaseError:
        return []  # the check itself failed: the original error says more


def wholesale_erasure(argv: list[str]) -> str | None:
    """Why `satudata <argv>` is refused, or None. Django's `flush` empties every table and
    `migrate APP zero` drops an app's tables, with no copy kept (QA, tenth session: `satudata
    flush --no-input` wiped the registry). Going back goes through `satudata restore`, which
    saves the current data first. Checked on the command line only: tests (pytest-django)
    flush through `call_command`, which stays as it is. `sqlflush` only prints SQL."""
    command, args = (argv[1], argv[2:]) if len(argv) > 1 else ("", [])
    if command == "flush" or (command == "migrate" and "zero" in args):
        return _(
            "“satudata %(command)s” would erase data wholesale with no copy kept, so it is "
            "not run. To go back to an earlier state, restore a backup: satudata restore "
            "FILE (it saves the current data first); make one with satudata backup."
        ) % {"command": " ".join(argv[1:])}
    return None
