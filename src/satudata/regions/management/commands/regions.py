"""`satudata regions former add|list|remove`: the former district codes NIKs may start with.

The custodian records a district code that a regency split retired (`91.01.01`, Merauke
before Papua's 2022 split, now `93.01.01`), so the NIKs and KK numbers issued with it are
accepted by the form, the API and the import. With `--user`, the audit trail names that
account (a custodian); without it, the system.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.core.commands import PlainRefusals, account
from satudata.regions import former


class Command(PlainRefusals, BaseCommand):
    help = gettext_lazy(
        "Region codes kept by the custodian: `satudata regions former add|list|remove`."
    )

    def add_arguments(self, parser):
        # The metavars name the choices in a usage error (argparse would name the dest).
        sub = parser.add_subparsers(dest="topic", required=True, metavar="{former}")
        topic = sub.add_parser(
            "former", help=_("former district codes that NIKs and KK numbers may start with")
        )
        actions = topic.add_subparsers(dest="action", required=True, metavar="{add,list,remove}")
        add = actions.add_parser("add", help=_("accept a former district code in NIKs and KKs"))
        add.add_argument("code", help=_("the former district code, e.g. 91.01.01 or 910101"))
        add.add_argument("--now", help=_("the current district it became, e.g. 93.01.01"))
        add.add_argument("--note", default="", help=_("e.g. the decree (Kepmendagri …)"))
        add.add_argument("--user", help=_("act as this account (a custodian), named in the audit"))
        actions.add_parser("list", help=_("list the recorded former district codes"))
        remove = actions.add_parser("remove", help=_("stop accepting a former district code"))
        remove.add_argument("code", help=_("the former district code, e.g. 91.01.01"))
        remove.add_argument(
            "--user", help=_("act as this account (a custodian), named in the audit")
        )

    def handle(self, *args, **options):
        action = options["action"]
        if action == "list":
            self._list()
            return
        actor = account(options.get("user"))
        try:
            if action == "add":
                recorded = former.add(actor, options["code"], options["now"], options["note"])
                self.stdout.write(self._added(recorded))
            else:
                removed = former.remove(actor, options["code"])
                self.stdout.write(
                    _(
                        "Former district code %(code)s removed: new NIKs and KK numbers "
                        "starting with %(digits)s are refused again (stored ones stay)."
                    )
                    % {"code": removed.code, "digits": removed.digits}
                )
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from None

    def _added(self, recorded) -> str:
        text = _(
            "Former district code %(code)s recorded: NIKs and KK numbers starting with "
            "%(digits)s are accepted."
        ) % {"code": recorded.code, "digits": recorded.digits}
        if recorded.current is not None:
            text += " " + _("It is now %(district)s.") % {"district": recorded.current}
        return text

    def _list(self) -> None:
        rows = list(former.listed())
        if not rows:
            self.stdout.write(_("No former district codes are recorded."))
            return
        for row in rows:
            now = str(row.current) if row.current is not None else "—"
            self.stdout.write(f"{row.code}\t{now}\t{row.note}")
