"""Log lines without personal data, tracebacks included.

A database error quotes the row it refused: PostgreSQL's `DETAIL:  Key (nik)=(6112…) already
exists.` or `Failing row contains (…, Siti Aminah, 1990-05-17, …)`, and Django logs the
traceback of every unexpected error (a 500, a failed job). So the console formatter removes
those values, and masks any other 16-digit number (a NIK or KK number), in the whole line.
"""

from __future__ import annotations

import logging
import re

ROW_VALUES = re.compile(r"(Failing row contains) \(.*?\)(\.?)$", re.MULTILINE)
KEY_VALUES = re.compile(r"(Key \([^)]*\))=\(.*?\)( already exists| is not present)")
SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
HIDDEN = "[hidden]"


def without_personal_data(text: str) -> str:
    text = ROW_VALUES.sub(rf"\1 ({HIDDEN})\2", text)
    text = KEY_VALUES.sub(rf"\1=({HIDDEN})\2", text)
    return SIXTEEN_DIGITS.sub(HIDDEN, text)


class PrivateFormatter(logging.Formatter):
    """logging.Formatter whose output never carries a row's values or a NIK/KK number."""

    def format(self, record: logging.LogRecord) -> str:
        return without_personal_data(super().format(record))


class ClientMistake(logging.Filter):
    """A request refused for what the client sent (a body over DATA_UPLOAD_MAX_MEMORY_SIZE,
    too many fields): one WARNING line, no traceback. Django logs it as a security ERROR with
    its traceback, so any client could fill the log at ERROR level (QA, fifth session)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "client_mistake", False):
            # Already rewritten: a logging set up again (tests, `django.setup` twice) puts
            # the filter on the logger twice, which added "(POST /…)" twice.
            return True
        record.client_mistake = True
        request = getattr(record, "request", None)
        where = f" ({request.method} {request.path})" if request is not None else ""
        record.msg, record.args = f"{record.getMessage()}{where}", ()
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        record.exc_info = record.exc_text = None
        return True
