"""Kemendagri region codes: parsing the forms people type into the dotted form we store."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

# ASCII digits only: \d takes any Unicode digit, and "６２" (full-width) passed for a code.
DOTTED = re.compile(r"[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?")
# The groups of a code joined by one separator each (dot, space or hyphen) or by none at
# all: "62..01" or "62.01.02.2016." is a mistyped code, not one to guess.
GROUPED = re.compile(r"[0-9]{2}([.\s-]?[0-9]{2}([.\s-]?[0-9]{2}([.\s-]?[0-9]{4})?)?)?")
DIGIT_LENGTHS = {2: (2,), 4: (2, 2), 6: (2, 2, 2), 10: (2, 2, 2, 4)}
LEVEL_OF_LENGTH = {2: 1, 5: 2, 8: 3, 13: 4}


class BadRegionCode(ValueError):
    """A region code that is not in any of Kemendagri's forms."""


def normalize_code(raw: str) -> str:
    """'6112012001', '61.12.01.2001' or ' 61 12 01 2001 ' → '61.12.01.2001'."""
    text = str(raw).strip()
    if DOTTED.fullmatch(text):
        return text
    digits = re.sub(r"[\s.\-]", "", text)
    if GROUPED.fullmatch(text) and len(digits) in DIGIT_LENGTHS:
        parts, start = [], 0
        for size in DIGIT_LENGTHS[len(digits)]:
            parts.append(digits[start : start + size])
            start += size
        return ".".join(parts)
    raise BadRegionCode(
        _(
            "%(code)s is not a region code. Use the Kemendagri form, e.g. 61.12.01.2001 "
            "or 6112012001."
        )
        % {"code": text[:40]}
    )


def level_of(code: str) -> int:
    return LEVEL_OF_LENGTH[len(code)]


def parent_of(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def within(code: str, prefix: str) -> bool:
    """Whether region `code` is `prefix` itself or lies inside it."""
    return code == prefix or code.startswith(prefix + ".")
