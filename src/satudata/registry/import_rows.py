"""Reading one row of an import file the slow way, with a message for every problem.

Most rows are checked as polars columns (`fastparse`); a row that fails that check, and every
row of an XLSX file (typed cells, read row by row), comes here: `RowParse._parse` turns its
cells into our fields and names each problem by row and column, with the messages of
`validation.check_resident`. Also here: the dates a file may hold (yyyy-mm-dd, dd/mm/yyyy,
dd-mm-yyyy, Excel serial numbers in either date system) and the hint for a NIK a
spreadsheet saved as 6.20102E+15. A mixin of `importer.Importer`, which holds the state
these methods read (positions of the columns, the villages, the error file, the report).
"""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.core.spreadsheet import read_text_cell
from satudata.regions.services import served
from satudata.registry import codes
from satudata.registry.fastparse import raw_frame
from satudata.registry.import_format import (
    CODE_FIELDS,
    EXCEL_ERRORS,
    OPENSID_NAME,
    SEX_WORDS,
    row_value,
)
from satudata.registry.validation import (
    EXCEL_EPOCH,
    TEXT_LIMITS,
    check_resident,
    kk_problem,
    named,
    outside_message,
    parse_date,
    place_problems,
    temporary_nik_problem,
    tidy_text,
)

INTS = {str(i): i for i in range(100)}


DAY_FIRST = re.compile(r"([0-9]{1,2})([/-])([0-9]{1,2})\2([0-9]{4})")  # 7/5/1990, 07-05-1990


# A number written as text is an Excel serial only with 5 digits (19-05-1927 on), up to
# today: "1905" is a year, not 19-03-1905.
SERIAL_TEXT = re.compile(r"[0-9]{5}(\.[0-9]+)?")


NUMBER_CELL_MESSAGE = gettext_lazy(
    "the cell is a number, and spreadsheets keep only 15 significant digits, so its last "
    "digit may have changed: format the column as Text and type the numbers again."
)


# 6.20102E+15 or 6,20102E+15: what Excel shows, and saves in a CSV, for a 16-digit number.
SCIENTIFIC = re.compile(r"[0-9][.,][0-9]+[eE]\+?[0-9]+")


def _scientific_hint(name: str, value, message: str) -> str:
    """A NIK or KK number a spreadsheet saved as 6.20102E+15 has lost its digits: say so,
    instead of only that letters are not allowed."""
    if name in ("nik", "family_number") and isinstance(value, str) and SCIENTIFIC.fullmatch(value):
        return named(
            name,
            _(
                "“%(value)s” is how a spreadsheet shows a long number; the digits are lost. "
                "Format the column as Text in the spreadsheet and type the numbers again."
            )
            % {"value": value},
        )
    return message


def import_date(value, today: datetime.date, epoch: datetime.date = EXCEL_EPOCH) -> datetime.date:
    """A birth date of the file; ValueError when it is none.

    A typed XLSX cell is what `parse_date` makes of it (a date, or a number: Excel's serial).
    Text is yyyy-mm-dd, or day first (d/m/yyyy, d-m-yyyy, padded or not: Excel saves
    Indonesian CSVs as 7/5/1990), or an Excel serial only when it can be one of a birth date
    (SERIAL_TEXT, up to today): a bare "1905" is refused, not read as 19-03-1905.

    A date cell before Excel's first day was a serial of 0 or less (QA: -5 in a cell
    formatted as a date came as 25-12-1899 and was stored): refused, as the number is.

    `epoch` is the day serial 0 counts from in the file: 1904-01-01 for a workbook in Excel's
    1904 date system (QA: 32874 in a number cell came as 1990-01-01, not 1994-01-02, and -5
    in a date cell as 1903-12-27, which was stored)."""
    if excel_serial_before_day_one(value, epoch) is not None:
        raise ValueError(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return serial_date(value, epoch)
    if not isinstance(value, str):
        return parse_date(value)
    found = DAY_FIRST.fullmatch(value)
    if found:
        return datetime.date(int(found[4]), int(found[3]), int(found[1]))
    try:
        number = float(value)
    except ValueError:
        return parse_date(value)  # yyyy-mm-dd, with or without a time
    if SERIAL_TEXT.fullmatch(value) and int(number) <= (today - epoch).days:
        return serial_date(number, epoch)
    raise ValueError(value)


def serial_date(number: float, epoch: datetime.date) -> datetime.date:
    """An Excel serial as a date in the file's system: `parse_date` reads it in the 1900 one
    (and refuses a serial below 1 or past 9999); the 1904 system is 1462 days later."""
    return parse_date(number) + (epoch - EXCEL_EPOCH)


# Serial 1 in Excel; openpyxl makes a date cell of serial 0 or less a date before it (-5:
# 25-12-1899), and of 0 < serial < 1 a time of day.
EXCEL_DAY_ONE = datetime.date(1900, 1, 1)


def excel_day_one(epoch: datetime.date) -> datetime.date:
    """The first day Excel shows in the file's system: 1900-01-01 (serial 1) in the 1900
    system, the epoch itself (serial 0) in the 1904 one. openpyxl makes a date cell of
    serial 0 a time of day in both (00:00), which is refused as serial 0."""
    return EXCEL_DAY_ONE if epoch == EXCEL_EPOCH else epoch


def excel_serial_before_day_one(value, epoch: datetime.date = EXCEL_EPOCH) -> int | float | None:
    """The serial number a date cell held when it is no date (before Excel's day 1 in the
    file's system): what the user typed in the cell, which the message and the error file
    then name (not "1899-12-25 00:00:00", or "1903-12-27" in a 1904 workbook). A number, so
    the error file does not quote "-5" as a formula."""
    day_one = excel_day_one(epoch)
    if isinstance(value, datetime.time):
        days = (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    elif isinstance(value, datetime.datetime) and value.date() < day_one:
        zero = datetime.datetime.combine(epoch, datetime.time(), value.tzinfo)
        days = (value - zero) / datetime.timedelta(days=1)
    elif type(value) is datetime.date and value < day_one:
        days = float((value - epoch).days)
    else:
        return None
    return int(days) if days.is_integer() else days


def _cell_shown(value, epoch: datetime.date = EXCEL_EPOCH):
    """A birth-date cell as messages show it: a date before Excel's day 1 as its serial."""
    serial = excel_serial_before_day_one(value, epoch)
    return value if serial is None else serial


class RowParse:
    """The per-row parse of `importer.Importer` (see the module's docstring)."""

    def _parse(self, line: int, row: list) -> dict | None:
        """A row's values as our fields, or None (and the row rejected with messages)."""
        p = self.positions
        data: dict = {}
        bad: dict[str, str] = {}
        if self.xlsx:
            for name, index in p.items():
                value = row[index]
                data[name] = value.strip() if isinstance(value, str) else value
            for name in self.number_fields:
                value = data[name]
                # A yes/no cell is a bool, which Python counts as a number: not one here.
                number = isinstance(value, int | float) and not isinstance(value, bool)
                if number and not float(value).is_integer():
                    # 2.5 in an RT or code column was cut to 2 without a word.
                    bad[name] = named(
                        name, _("“%(value)s” is not a whole number.") % {"value": value}
                    )
                    data[name] = ""
                elif number and name in ("nik", "family_number"):
                    if value >= 1e14:  # a 16-digit number a spreadsheet may have rounded
                        bad[name] = named(name, NUMBER_CELL_MESSAGE)
                    data[name] = str(int(value))
                elif number:
                    data[name] = str(int(value))  # spreadsheets turn digits into numbers
                elif not isinstance(value, str) and value is not None:
                    # A date or a yes/no cell: "3/4" in an RT column becomes 3 April.
                    bad[name] = named(
                        name,
                        _("“%(value)s” is a date or a yes/no cell; format the column as Text.")
                        % {"value": value},
                    )
                    data[name] = ""
            for name in self.text_fields:
                if not isinstance(data[name], str):
                    data[name] = str(data[name])
        else:
            for name, index in p.items():
                data[name] = row[index].strip()
        if not self.xlsx:
            # Only a CSV export puts an apostrophe before = + - @ (an XLSX cell is typed as
            # text instead): in an XLSX file the apostrophe is the resident's own.
            for name in self.text_fields:
                data[name] = read_text_cell(data[name])
        for name in self.text_fields:
            if data[name] in EXCEL_ERRORS:
                bad[name] = named(
                    name,
                    _(
                        "“%(value)s” is what Excel shows for a formula that failed, not a "
                        "value; correct the cell in the file."
                    )
                    % {"value": data[name]},
                )
                data[name] = ""
            else:
                data[name] = tidy_text(data[name])  # composed, as the forms store it (NFC)
        nik = data["nik"]
        data["nik_is_temporary"] = (
            isinstance(nik, str) and nik.startswith("0") and temporary_nik_problem(nik) is None
        )
        sex = data["sex"]
        data["sex"] = SEX_WORDS.get(str(sex).lower()) if sex != "" else None
        if data["sex"] is None:
            data["sex"] = -1 if sex != "" else None
        for name in self.code_fields:
            value = data[name]
            if value == "" or value is None:
                data[name] = None
            else:
                number = INTS.get(value) if isinstance(value, str) else None
                if number is not None:
                    data[name] = number
                    continue
                try:
                    if isinstance(value, bool) or (
                        isinstance(value, float) and not value.is_integer()
                    ):
                        raise ValueError(value)  # int() cut 2.7 to 2, and read TRUE as 1
                    data[name] = int(value)
                except (TypeError, ValueError):
                    bad[name] = named(
                        name, _("“%(value)s” is not a code number.") % {"value": value}
                    )
        if data.get("status") is None:
            data["status"] = 1
        if data.get("citizenship") is None:
            data["citizenship"] = 1
        raw_date = data["birth_date"]
        key = raw_date if isinstance(raw_date, str) else repr(raw_date)
        if key in self.dates:
            birth = self.dates[key]
        else:
            try:
                birth = import_date(raw_date, self.today, self.epoch) if raw_date != "" else None
            except (ValueError, OverflowError):
                birth = False
            self.dates[key] = birth
        if birth is False:
            bad["birth_date"] = named(
                "birth_date",
                _(
                    "“%(value)s” is not a valid date (use yyyy-mm-dd, dd/mm/yyyy, dd-mm-yyyy "
                    "or an Excel date)."
                )
                % {"value": _cell_shown(raw_date, self.epoch)},
            )
            birth = None
        data["birth_date"] = birth
        village = data.get("village_code") or self.village or self._own_village()
        if village and "." not in village and len(village) == 10:
            village = f"{village[:2]}.{village[2:4]}.{village[4:6]}.{village[6:]}"
        if not village:
            bad["village"] = named(
                "village", _("kode_desa is empty; fill in the village code of this row.")
            )
        elif self.village and village != self.village:
            bad["village"] = named(
                "village",
                _("kode_desa %(code)s differs from the village chosen for the import.")
                % {"code": village},
            )
        elif village not in self.villages:
            bad["village"] = named(
                "village", _("no village has the code %(code)s.") % {"code": village}
            )
        elif not served(village):
            bad["village"] = outside_message(village)
        elif self.scope is not None and not self.scope.allows(village):
            bad["village"] = named(
                "village",
                _("you may not change the residents of village %(code)s.") % {"code": village},
            )
        data["village"] = village
        bad.update(place_problems(data))
        if not self._fast_valid(data) or bad:
            checked = check_resident({**data, "sex": data["sex"] if data["sex"] != -1 else 99})
            if data["sex"] == -1:  # the message names what the file holds, not the stand-in
                checked["sex"] = named(
                    "sex",
                    _("“%(value)s” is not a sex code (1 or L: male, 2 or P: female).")
                    % {"value": sex},
                )
            for name, message in checked.items():
                bad.setdefault(name, _scientific_hint(name, data.get(name), message))
            # A blank KK number is decided with the stored record (see `_accept`).
            kk = kk_problem(data["family_number"]) if data["family_number"] else None
            if kk:
                bad.setdefault(
                    "family_number",
                    _scientific_hint(
                        "family_number", data["family_number"], named("family_number", kk)
                    ),
                )
        if not bad and data["nik"] in self.seen:
            bad["nik"] = named("nik", _("appears more than once in the file."))
        if bad:
            opensid = "nama" in self.positions_header
            self.report.rejected += 1
            for name, message in bad.items():
                column = "village_code" if name == "village" else name
                if opensid:
                    column = OPENSID_NAME.get(column, column)
                value = row_value(row, p, name)
                if name == "birth_date":  # a date cell before day 1: the serial it held
                    value = _cell_shown(value, self.epoch)
                self.errors.add(line, column, value, message)
            return None
        self.seen.add(data["nik"])
        return data

    def _fast_valid(self, d: dict) -> bool:
        """The rules of check_resident and kk_problem, cheaply; False means check properly."""
        nik, kk, birth, sex = d["nik"], d["family_number"], d["birth_date"], d["sex"]
        if birth is None or sex not in (1, 2) or not any(c.isalpha() for c in d["name"]):
            return False  # (a name needs a letter)
        if any(len(d.get(field) or "") > limit for field, limit in TEXT_LIMITS.items()):
            return False
        if any(not (d.get(field) or "").isprintable() for field in TEXT_LIMITS):
            return False  # a control or invisible character: check_resident names it
        if len(nik) != 16 or not nik.isdigit() or nik[:6] not in self.districts:
            return False
        if nik[12:] == "0000" or birth > self.today or birth < self.earliest:
            return False
        day = birth.day + 40 if sex == 2 else birth.day
        if nik[6:12] != f"{day:02d}{birth.month:02d}{birth.year % 100:02d}":
            return False
        if len(kk) != 16 or not kk.isdigit() or kk[:6] not in self.districts:
            return False
        for name in CODE_FIELDS:
            value = d.get(name)
            if value is not None and value not in codes.CODE_LISTS[name]:
                return False
        return True

    def _rows_chunk(self, chunk: list[tuple[int, list]], width: int) -> None:
        """Rows read by the csv module or openpyxl: blank ones skipped. A CSV row with fewer
        cells than the header (a file cut mid-row), or more that are not blank (a comma
        typed in an address shifts every cell after it), is refused: its missing cells
        would erase stored values. XLSX rows are padded: a spreadsheet leaves trailing empty
        cells out."""
        lines, rows = [], []
        for line, row in chunk:
            if not any(v.strip() if isinstance(v, str) else v is not None for v in row):
                continue  # blank, or only spaces
            if len(row) != width and not self.xlsx:
                if len(row) < width or any(v.strip() for v in row[width:]):
                    self.report.rows += 1
                    self._reject(
                        line,
                        "",
                        "",
                        _("this row has %(cells)d columns, its header %(header)d.")
                        % {"cells": len(row), "header": width},
                    )
                    continue
                row = row[:width]
            if len(row) < width:
                row = list(row) + [""] * (width - len(row))
            lines.append(line)
            rows.append(row)
        if rows:
            self._chunk((lines, None if self.xlsx else raw_frame(rows, width), rows))
