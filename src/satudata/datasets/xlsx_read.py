"""The first sheet of an uploaded .xlsx as frames of text cells, in bounded memory.

An .xlsx is a zip of XML: 1 MB on the wire can unpack to gigabytes (a "zip bomb"), and the
sheet is loaded whole by calamine. So the archive's unpacked size and the row count are
checked before anything is converted, and rows are turned into frames block by block (as
CSV is), never into one list of every row. calamine reads a formula cell without a stored
result as empty; the sheet XML is scanned for such cells so they are named, not lost.
"""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET  # noqa: N817 - the usual short name
import zipfile
from pathlib import Path, PurePosixPath

import polars as pl
from django.conf import settings
from django.utils.translation import gettext as _

# Excel's own sheet limit; a file with more rows was not made by Excel.
MAX_ROWS = 1_048_576
# Unpacked size of the whole archive; XML of about 200 MB is a full Excel sheet of short cells.
MAX_UNPACKED = 200 << 20
# Honest sheets compress 5-30x; far more means repeated filler, the shape of a zip bomb.
MAX_RATIO = 100
RATIO_FLOOR = 20 << 20  # small files may compress well without harm
ROWS_PER_FRAME = 100_000
# Value given to a formula cell without a stored result; XML text cannot hold NUL, so no
# real cell can equal it. validation.Validator names the cell.
FORMULA_MARK = "\x00formula"
MAX_FORMULA_CELLS = 10_000

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_HAS_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*?(?:/>|>([^<]*)</)", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_TYPE = re.compile(rb'\bt="(\w+)"')


class XlsxProblem(Exception):
    """The workbook cannot be read safely; the message is for the producer."""


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + char - 64
    return index - 1


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def check_archive(path: Path) -> str | None:
    """Refuse a workbook whose unpacked size is far beyond an honest sheet's; the path of the
    first worksheet inside the archive (None when it cannot be told: calamine decides)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            unpacked = sum(m.file_size for m in members)
            packed = max(path.stat().st_size, 1)
            cap = _limit("SATUDATA_XLSX_MAX_UNPACKED", MAX_UNPACKED)
            if unpacked > cap or (unpacked > RATIO_FLOOR and unpacked > MAX_RATIO * packed):
                raise XlsxProblem(
                    _(
                        "The Excel file unpacks to %(size)d MB, more than the %(cap)d MB "
                        "allowed. Save the sheet as CSV UTF-8 and upload that instead."
                    )
                    % {"size": unpacked >> 20, "cap": cap >> 20}
                )
            return _first_sheet(archive)
    except zipfile.BadZipFile:
        return None


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    try:
        book = ET.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314 - size checked
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
        sheet = book.find(f"{MAIN}sheets/{MAIN}sheet")
        target = next(
            r.get("Target")
            for r in rels.iter(f"{PKG_REL}Relationship")
            if r.get("Id") == sheet.get(f"{REL}id")
        )
    except (KeyError, ET.ParseError, AttributeError, StopIteration):
        return None
    if target.startswith("/"):
        return target.lstrip("/")
    return str(PurePosixPath("xl") / target)


def formula_cells(path: Path, sheet: str | None) -> set[tuple[int, int]]:
    """(row number from 1, column index from 0) of the formula cells without a stored result.
    The XML is streamed; only chunks that hold a formula are searched cell by cell."""
    found: set[tuple[int, int]] = set()
    if sheet is None:
        return found
    with zipfile.ZipFile(path) as archive, archive.open(sheet) as stream:
        carry = b""
        seen = False
        while True:
            chunk = stream.read(1 << 20)
            buffer = carry + chunk
            # Cut after the last row tag, so no cell is split between two parts.
            cut = len(buffer) if not chunk else buffer.rfind(b"row>") + 4
            if chunk and cut < 4:
                carry = buffer
                continue
            part, carry = buffer[:cut], buffer[cut:]
            # A literal test first: a formula element ends "</f>" (or "</x:f>"), and the shared
            # ones written "<f .../>" follow their first cell, so most sheets (no formula) are
            # never searched by the regular expression.
            seen = seen or b"f>" in part
            if seen and _HAS_FORMULA.search(part):
                for match in _CELL.finditer(part):
                    body = match.group(2) or b""
                    if not _HAS_FORMULA.search(body):
                        continue
                    value = _VALUE.search(body)
                    kind = _TYPE.search(match.group(1))
                    cached = value is not None and (
                        bool(value.group(1)) or (kind is not None and kind.group(1) == b"str")
                    )
                    ref = _REF.search(match.group(1))
                    if not cached and ref:
                        found.add((int(ref.group(2)), _column_index(ref.group(1))))
                if len(found) > _limit("SATUDATA_XLSX_MAX_FORMULA_CELLS", MAX_FORMULA_CELLS):
                    raise XlsxProblem(
                        _(
                            "More than %(n)d cells hold a formula without a stored value. "
                            "Open the file in Excel and save it again, or paste the cells "
                            "as values."
                        )
                        % {"n": MAX_FORMULA_CELLS}
                    )
            if not chunk:
                return found


def cell_text(value) -> str | None:
    """A cell as the text a person sees: whole numbers without ".0", a date as YYYY-MM-DD,
    a date with a time of day keeps the time, a yes/no cell as Excel shows it (TRUE/FALSE)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def header_and_frames(path: Path):
    """(header cells, iterator of frames of the data rows). XlsxProblem for a refused file;
    calamine's own errors propagate for a broken one."""
    from python_calamine import CalamineWorkbook

    sheet_path = check_archive(path)
    marks = formula_cells(path, sheet_path)
    book = CalamineWorkbook.from_path(str(path))
    sheet = book.get_sheet_by_index(0)
    if sheet.height > _limit("SATUDATA_XLSX_MAX_ROWS", MAX_ROWS):
        raise XlsxProblem(
            _("The sheet has %(rows)d rows; at most %(max)d are accepted.")
            % {"rows": sheet.height, "max": _limit("SATUDATA_XLSX_MAX_ROWS", MAX_ROWS)}
        )
    start_row, start_col = sheet.start or (0, 0)
    rows = sheet.iter_rows()
    header = next(rows, None)
    if header is None:
        return None, iter(())

    names = [f"c{i}" for i in range(len(header))]

    def frame(block: list[list], first: int) -> pl.DataFrame:
        """Rows from sheet row `first` on, column by column (cheaper than row by row)."""
        columns = []
        for i in range(len(names)):
            # Most cells are text: only the others go through cell_text.
            cells = [v if type(v) is str and v else cell_text(v) for v in (r[i] for r in block)]
            columns.append(cells)
        for number, index in marks:
            at, column = number - first, index - start_col
            if 0 <= at < len(block) and 0 <= column < len(names) and columns[column][at] is None:
                columns[column][at] = FORMULA_MARK
        return pl.DataFrame(
            dict(zip(names, columns, strict=True)), schema=dict.fromkeys(names, pl.String)
        )

    def frames():
        block: list[list] = []
        first = start_row + 2  # the sheet row number of the first data row
        for row in rows:
            block.append(row)
            if len(block) == ROWS_PER_FRAME:
                yield frame(block, first)
                first += len(block)
                block = []
        if block:
            yield frame(block, first)

    return header, frames()
