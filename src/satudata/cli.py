"""The `satudata` command: Django's management commands with clear start-up errors."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satudata.settings")
    from django.core.exceptions import ImproperlyConfigured

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "satudata"
    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        # One clear sentence, no traceback: a bad environment is an operator's problem.
        print(f"satudata: {exc}", file=sys.stderr)
        sys.exit(2)
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
