"""What of a citizen's message may be shown to everyone: the text without numbers or
addresses that identify someone.

An answered message is shown on its village's public page. Citizens write NIKs, KK numbers,
phone numbers and e-mail addresses into the text itself ("hubungi Budi NIK 6201…"), so these
are masked before the text is shown; the handler still reads the message as sent.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

# Six or more digits, possibly grouped by spaces, dots, dashes or slashes (a NIK, a KK
# number, a phone number "0812-1111-2222", a full date "17/05/1990"); shorter numbers (an
# RT "003", a year "2026", an amount "150") stay.
_LONG_NUMBER = re.compile(r"(?<![\w])\+?\d(?:[\s./-]?\d){5,}(?![\w])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def public_text(text: str) -> str:
    hidden = "[" + _("hidden") + "]"
    return _LONG_NUMBER.sub(hidden, _EMAIL.sub(hidden, text or ""))
