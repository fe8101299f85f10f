"""What our management commands share: refusals written as `satudata: …`.

Django writes a CommandError on the command line as `CommandError: <message>`, an English
class name in front of our Indonesian sentence. Our commands put `PlainRefusals` first
in their bases; called from code (`call_command`, tests), they still raise as before.
"""

from __future__ import annotations

import sys

from django.core.management.base import CommandError, SystemCheckError


class PlainRefusals:
    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except SystemCheckError:
            raise  # Django formats the system checks' report itself
        except CommandError as exc:
            # run_from_argv sets this flag: only a real command line gets the short form.
            if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
                raise
            self.stderr.write(f"satudata: {exc}")
            sys.exit(exc.returncode)
