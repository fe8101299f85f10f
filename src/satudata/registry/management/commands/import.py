"""`satudata import <kind> …`: one command, one subcommand per importer.

Each app that imports something has a `cli_import` module with NAME, HELP, add_arguments()
and handle(options, stdout); this command finds them among the installed apps, so later
importers add a subcommand without touching this file.
"""

from __future__ import annotations

import importlib

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.core.commands import PlainRefusals


def importers() -> dict:
    found = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.cli_import")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.cli_import":
                raise
            continue
        found[module.NAME] = module
    return found


class Command(PlainRefusals, BaseCommand):
    help = gettext_lazy("Import data from files: `satudata import residents FILE …`.")

    def add_arguments(self, parser):
        # The metavar names the choices in a usage error (argparse would name the dest, "kind").
        choices = "{" + ",".join(sorted(importers())) + "}"
        sub = parser.add_subparsers(dest="kind", required=True, metavar=choices)
        for name, module in sorted(importers().items()):
            module.add_arguments(sub.add_parser(name, help=_(module.HELP)))

    def handle(self, *args, **options):
        module = importers().get(options["kind"])
        if module is None:
            raise CommandError(_("Unknown import: %(kind)s") % {"kind": options["kind"]})
        try:
            module.handle(options, self.stdout)
        except PermissionDenied as exc:
            # A service's refusal (the account's scope): its sentence, not a traceback.
            raise CommandError(str(exc) or _("You may not do this.")) from None
