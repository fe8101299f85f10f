"""argparse's own messages in the active language, for the `satudata` command.

A usage error ("the following arguments are required: file", "invalid choice: …") and the
help's headings come from argparse, in English, while the rest of the command line speaks
the portal's language (LANGUAGE_CODE, Indonesian). argparse looks its module-level `_` and
`ngettext` up each time it writes a message, so `speak_active_language()` points them at
Django's: the messages then follow the active language, Indonesian by default and English
under `translation.override("en")`. The English texts below are argparse's own (Python
3.11), listed so makemessages puts them in core's catalog; a text argparse changes in a
later Python simply stays English until it is added here.

Only `satudata` (cli.main, also `python -m satudata`) calls it: under `call_command` a
usage error is a CommandError for the caller, and the web server never parses arguments.
"""

from __future__ import annotations

import argparse

from django.utils import translation
from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = (
    gettext_noop("usage: "),
    gettext_noop("%(prog)s: error: %(message)s\n"),
    gettext_noop("argument %(argument_name)s: %(message)s"),
    gettext_noop("the following arguments are required: %s"),
    gettext_noop("one of the arguments %s is required"),
    gettext_noop("unrecognized arguments: %s"),
    gettext_noop("invalid choice: %(value)r (choose from %(choices)s)"),
    gettext_noop("invalid %(type)s value: %(value)r"),
    gettext_noop("expected one argument"),
    gettext_noop("expected at most one argument"),
    gettext_noop("expected at least one argument"),
    gettext_noop("ambiguous option: %(option)s could match %(matches)s"),
    gettext_noop("unexpected option string: %s"),
    gettext_noop("not allowed with argument %s"),
    gettext_noop("ignored explicit argument %r"),
    gettext_noop("unknown parser %(parser_name)r (choices: %(choices)s)"),
    gettext_noop("can't open '%(filename)s': %(error)s"),
    gettext_noop("positional arguments"),
    gettext_noop("options"),
    gettext_noop("subcommands"),
    gettext_noop("show this help message and exit"),
)
# The help of the options Django gives every command (Django 5.2), not marked for
# translation there: `PlainRefusals.create_parser` passes every option's help through
# gettext, so these read in Indonesian with the command's own. A text a later Django
# changes stays English until it is added here.
DJANGO_OPTIONS = (
    gettext_noop("Show program's version number and exit."),
    gettext_noop(
        "Verbosity level; 0=minimal output, 1=normal output, 2=verbose output, "
        "3=very verbose output"
    ),
    gettext_noop(
        'The Python path to a settings module, e.g. "myproject.settings.main". If this '
        "isn't provided, the DJANGO_SETTINGS_MODULE environment variable will be used."
    ),
    gettext_noop('A directory to add to the Python path, e.g. "/home/djangoprojects/myproject".'),
    gettext_noop("Display a full stack trace on CommandError exceptions."),
    gettext_noop("Don't colorize the command output."),
    gettext_noop("Force colorization of the command output."),
    gettext_noop("Skip system checks."),
    # `satudata check` is Django's check with the deployment's own checks first.
    gettext_noop("Run only checks labeled with given tag."),
    gettext_noop("List available tags. Specify --deploy to include available deployment tags."),
    gettext_noop("Check deployment settings."),
    gettext_noop(
        "Message level that will cause the command to exit with a non-zero status. "
        "Default is ERROR."
    ),
    gettext_noop("Run database related checks against these aliases."),
)
# Never evaluated: they only put the plural forms in the catalog.
PLURAL_MESSAGES = (ngettext_lazy("expected %s argument", "expected %s arguments"),)


def _gettext(message: str | None) -> str | None:
    # argparse passes None for a subparser group without a description.
    return message if message is None else translation.gettext(message)


def speak_active_language() -> None:
    """After django.setup(): argparse's messages go through the catalogs from now on."""
    argparse._ = _gettext
    argparse.ngettext = translation.ngettext
