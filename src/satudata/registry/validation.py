"""NIK and KK number rules and the checks of a resident record, shared by every surface.

The form, the API, the services and the importer all call `check_resident`, so a rule is
written once. Messages name the field they are about (translated; Indonesian by default).
The district codes a NIK or KK number may start with, current and former, are
`satudata.regions.former.district_digits`.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.conf import settings
from django.utils.translation import gettext as _

from satudata.core.dates import shown_date
from satudata.regions.former import district_digits
from satudata.registry import codes

DIGITS16 = re.compile(r"[0-9]{16}")  # ASCII only, as the NIK and KK rules (\d takes "٣")
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def field_labels() -> dict[str, str]:
    """Human names of the resident fields, as messages name them."""
    return {
        "nik": _("NIK"),
        "family_number": _("KK number"),
        "name": _("name"),
        "sex": _("sex"),
        "birth_place": _("place of birth"),
        "birth_date": _("date of birth"),
        "religion": _("religion"),
        "education_kk": _("education (KK)"),
        "education_current": _("education in progress"),
        "occupation": _("occupation"),
        "marital_status": _("marital status"),
        "relationship": _("relationship in family"),
        "citizenship": _("citizenship"),
        "blood_type": _("blood type"),
        "disability": _("disability"),
        "status": _("basic status"),
        "father_name": _("father's name"),
        "mother_name": _("mother's name"),
        "village": _("village"),
        "address": _("address"),
        "hamlet": _("hamlet"),
        "rw": _("RW"),
        "rt": _("RT"),
    }


# The widths of the registry's columns (models), so that an over-long value is the row's
# error: PostgreSQL refused it with a database error ending the whole import, and SQLite
# stored it past the width.
TEXT_LIMITS = {"name": 100, "birth_place": 100, "father_name": 100, "mother_name": 100}
PLACE_LIMITS = {"address": 200, "hamlet": 60}


def tidy_text(value: str) -> str:
    """A typed text as it is stored: composed (NFC: an "é" typed as e + accent equals, and is
    found as, the "é" of other records) and without outer spaces, as the import stores it,
    so that an export re-imports unchanged."""
    return unicodedata.normalize("NFC", value).strip()


def tidy_texts(values: dict) -> dict:
    """A resident's typed texts (`TEXT_LIMITS`) tidied; other values as they are."""
    return {
        k: tidy_text(v) if k in TEXT_LIMITS and isinstance(v, str) else v for k, v in values.items()
    }


def invisible_problem(text: str) -> str | None:
    """A message when the text holds a control or invisible formatting character (tab, line
    break, zero-width space, byte order mark, right-to-left override…): such a name looks
    like another, is not found by search, and breaks XLSX exports."""
    for char in text:
        if (char < " " or char >= "\x7f") and unicodedata.category(char) in ("Cc", "Cf", "Cs"):
            return _(
                "contains an invisible or control character (U+%(code)04X); type it again "
                "without it."
            ) % {"code": ord(char)}
    return None


def too_long(limit: int) -> str:
    return _("must be at most %(limit)d characters.") % {"limit": limit}


def outside_message(code: str) -> str:
    return named(
        "village",
        _("%(code)s is not a village of the regencies this database serves (%(served)s).")
        % {"code": code, "served": ", ".join(settings.SATUDATA_REGENCIES)},
    )


def place_problems(data: dict) -> dict[str, str]:
    """Field -> message for an import row's family address, hamlet, RW and RT: too long, an
    RW/RT that is no number from 0 to 999, or an RT without its RW (each was dropped
    silently, leaving the resident outside any RT)."""
    errors: dict[str, str] = {}
    for field, limit in PLACE_LIMITS.items():
        if len(data.get(field) or "") > limit:
            errors[field] = too_long(limit)
        elif problem := invisible_problem(data.get(field) or ""):
            errors[field] = problem
    for field in ("rw", "rt"):
        value = data.get(field) or ""
        if value and not (value.isascii() and value.isdigit() and int(value) <= 999):
            errors[field] = _("“%(value)s” is not a number from 0 to 999.") % {"value": value}
    if data.get("rt") and not data.get("rw") and "rt" not in errors:
        errors["rt"] = _("an RT needs its RW; fill in the rw column.")
    return {field: named(field, message) for field, message in errors.items()}


def named(field: str, message: str) -> str:
    return f"{field_labels().get(field, field)}: {message}"


def unknown_district_message(code: str) -> str:
    # A real NIK from before a regency split carries its district's old code: say who can
    # make it accepted, rather than leave the operator a temporary NIK as the only way.
    return _(
        "the first 6 digits (%(code)s) are not the code of a district; the custodian can "
        "record a former district code."
    ) % {"code": code}


def _nik_date(part: str) -> tuple[int, int, int] | None:
    """(day, month, two-digit year) of NIK digits 7–12 if some century makes it a real date."""
    day, month, year = int(part[:2]), int(part[2:4]), int(part[4:])
    if day > 40:
        day -= 40
    for century in (2000, 1900):
        try:
            datetime.date(century + year, month, day)
        except ValueError:
            continue
        return day, month, year
    return None


def nik_problem(
    nik: str, sex: int | None = None, birth_date: datetime.date | None = None
) -> str | None:
    """Why this is not a valid NIK for a person of this sex and birth date, or None."""
    if not nik:
        return _("is required (or mark a temporary NIK).")
    if not nik.isdigit() or not nik.isascii():
        return _("must contain digits only; “%(value)s” does not.") % {"value": nik}
    if len(nik) != 16:
        return _("must have 16 digits; “%(value)s” has %(n)d.") % {"value": nik, "n": len(nik)}
    if nik[:6] not in district_digits():
        return unknown_district_message(nik[:6])
    part = nik[6:12]
    if _nik_date(part) is None:
        return _(
            "digits 7–12 (%(part)s) are not a valid birth date DDMMYY (day + 40 for women)."
        ) % {"part": part}
    if nik[12:] == "0000":
        return _("the last 4 digits must not be 0000.")
    day = int(part[:2])
    if sex is not None:
        nik_sex = 2 if day > 40 else 1
        if nik_sex != sex:
            # Words of the message's language: the code list's labels are Indonesian only.
            words = {1: _("male"), 2: _("female")}
            return _("digits 7–8 (%(day)s) say %(nik_sex)s but the sex is %(sex)s.") % {
                "day": part[:2],
                "nik_sex": words[nik_sex],
                "sex": words.get(sex, str(sex)),
            }
    if birth_date is not None:
        expected = f"{birth_date.day + (40 if day > 40 else 0):02d}{birth_date:%m%y}"
        if expected != part:
            return _("digits 7–12 (%(part)s) do not match the date of birth %(date)s.") % {
                "part": part,
                "date": shown_date(birth_date),
            }
    return None


def temporary_nik_problem(nik: str, village: str | None = None) -> str | None:
    """A temporary NIK is 16 digits starting with 0, which no district code does. One a
    village gives (`village`, its code) is 0, that village's own 10-digit code and a 5-digit
    serial, as OpenSID and `services.next_temporary_nik` make it: another village's code
    would take a serial from that village's numbering (QA: a typed 0…6201022012 99999 left
    Runtu without a next serial)."""
    if not DIGITS16.fullmatch(nik or "") or not nik.startswith("0"):
        return _("a temporary NIK has 16 digits and starts with 0.")
    own = "0" + village.replace(".", "") if village else ""
    if own and not nik.startswith(own):
        return _(
            "a temporary NIK of this village is 0, the village code %(code)s and a 5-digit "
            "serial number (%(example)s); “%(value)s” carries another code."
        ) % {"code": own[1:], "example": f"{own}00001", "value": nik}
    if nik.endswith("0000"):  # as for a real NIK; 0000000000000000 is a placeholder
        return _("the last 4 digits of a temporary NIK cannot be 0000.")
    return None


def kk_problem(number: str) -> str | None:
    """Why this is not a valid family card (KK) number, or None."""
    if not number:
        return _("is required.")
    if not number.isdigit() or not number.isascii():
        return _("must contain digits only; “%(value)s” does not.") % {"value": number}
    if len(number) != 16:
        return _("must have 16 digits; “%(value)s” has %(n)d.") % {
            "value": number,
            "n": len(number),
        }
    if number[:6] not in district_digits():
        return unknown_district_message(number[:6])
    return None


def parse_date(value) -> datetime.date:
    """yyyy-mm-dd, dd/mm/yyyy, dd-mm-yyyy or an Excel serial number; ValueError otherwise."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float):
        return _excel_serial(float(value))
    text = str(value).strip()
    if len(text) == 10:
        if text[4] == "-" and text[7] == "-":
            return datetime.date(int(text[:4]), int(text[5:7]), int(text[8:]))
        if text[2] in "/-" and text[5] == text[2]:
            return datetime.date(int(text[6:]), int(text[3:5]), int(text[:2]))
    if len(text) in (8, 9) and text[2] in "/-" and text[5] == text[2]:
        raise ValueError(text)  # two-digit years are ambiguous
    if " " in text and len(text) > 10:
        # Spreadsheets often add a time: "1990-05-17 00:00:00".
        return parse_date(text.split(" ", 1)[0])
    try:
        return _excel_serial(float(text))
    except ValueError:
        raise ValueError(text) from None


def _excel_serial(number: float) -> datetime.date:
    if not 1 <= number < 80000:
        raise ValueError(str(number))
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


def code_problem(field: str, value: int | None, required: bool = False) -> str | None:
    if value is None:
        return _("is required.") if required else None
    if value not in codes.CODE_LISTS[field]:
        return _("code %(value)s is not in the list (%(low)d–%(high)d).") % {
            "value": value,
            "low": min(codes.CODE_LISTS[field]),
            "high": max(codes.CODE_LISTS[field]),
        }
    return None


REQUIRED_CODES = ("sex",)
OPTIONAL_CODES = (
    "religion",
    "education_kk",
    "education_current",
    "occupation",
    "marital_status",
    "relationship",
    "citizenship",
    "blood_type",
    "disability",
    "status",
)


# No record is older than this (the oldest people ever lived ~122 years): 1800-01-01 or
# 0001-01-01 is a typing or conversion mistake, whose NIK digits may still agree (YY only).
OLDEST_YEARS = 130


def earliest_birth(today: datetime.date) -> datetime.date:
    return datetime.date(today.year - OLDEST_YEARS, 1, 1)


def check_resident(data: dict, today: datetime.date | None = None) -> dict[str, str]:
    """Field -> message for every rule the resident's values break (empty when valid)."""
    errors: dict[str, str] = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = _("must not be empty.")
    elif not any(char.isalpha() for char in name):
        # "12345" or "-" is a placeholder typed to get past the form, not a person's name.
        errors["name"] = _("must contain letters; “%(name)s” is no one's name.") % {"name": name}
    for field, limit in TEXT_LIMITS.items():
        text = data.get(field) or ""
        if len(text.strip()) > limit:
            errors[field] = too_long(limit)
        elif problem := invisible_problem(text):
            errors[field] = problem
    for field in REQUIRED_CODES:
        problem = code_problem(field, data.get(field), required=True)
        if problem:
            errors[field] = problem
    for field in OPTIONAL_CODES:
        problem = code_problem(field, data.get(field))
        if problem:
            errors[field] = problem
    birth = data.get("birth_date")
    today = today or datetime.date.today()
    if birth is None:
        errors["birth_date"] = _("is required.")
    elif birth > today:
        errors["birth_date"] = _("must not be in the future.")
    elif birth < earliest_birth(today):
        errors["birth_date"] = _("must not be more than %(years)d years ago.") % {
            "years": OLDEST_YEARS
        }
    nik = data.get("nik") or ""
    if data.get("nik_is_temporary"):
        problem = temporary_nik_problem(nik)
        if problem and not nik.startswith("0") and not nik_problem(nik):
            # The real NIK has come (QA): the flag must be cleared with it, on purpose.
            problem = _("%(nik)s is a real NIK; clear “temporary NIK” to store it.") % {"nik": nik}
    else:
        sex = data.get("sex") if "sex" not in errors else None
        problem = nik_problem(nik, sex, birth if "birth_date" not in errors else None)
    if problem:
        errors["nik"] = problem
    return {field: named(field, message) for field, message in errors.items()}
