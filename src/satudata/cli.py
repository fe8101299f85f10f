"""The `satudata` command: Django's management commands with clear start-up errors."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Commands whose output other accounts must read: the reverse proxy serves collectstatic's.
SHARED_OUTPUT_COMMANDS = {"collectstatic"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satudata.settings")
    from django.core.exceptions import ImproperlyConfigured

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "satudata"
    if not set(argv[1:2]) & SHARED_OUTPUT_COMMANDS:
        # Whatever Satu Data writes (the database, backups, uploads, import error files,
        # exports) holds personal data: readable by this account only. Inherited by the
        # server's worker processes, so uploaded photos are private too.
        os.umask(0o077)
    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        # One clear sentence, no traceback: a bad environment is an operator's problem.
        print(f"satudata: {exc}", file=sys.stderr)
        sys.exit(2)
    _tighten_data_folder()
    from django.core.management import execute_from_command_line

    from satudata.core.argparse_language import speak_active_language
    from satudata.core.commands import wholesale_erasure

    # Usage errors and help headings in Indonesian, as the commands' own messages.
    speak_active_language()

    refusal = wholesale_erasure(argv)
    if refusal:
        print(f"satudata: {refusal}", file=sys.stderr)
        sys.exit(2)
    execute_from_command_line(argv)


def _tighten_data_folder() -> None:
    """Files made before the umask above (or by an older version) are tightened too."""
    from django.conf import settings

    from satudata.env import tighten_data_folder

    database = settings.DATABASES["default"]
    sqlite = database["ENGINE"].endswith("sqlite3")
    shared = tuple(Path(p).resolve() for p in [getattr(settings, "STATIC_ROOT", None)] if p)
    tighten_data_folder(
        Path(settings.DATA_DIR), str(database["NAME"]) if sqlite else "", shared=shared
    )


if __name__ == "__main__":
    main()
