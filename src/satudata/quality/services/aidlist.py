"""Reading an aid-recipient list (CSV or XLSX) into columns, for verification.

A CSV is parsed by polars (about 0.1 s for 100,000 rows; Python's csv module and one object
per row took 3.5 s); a file polars refuses goes through the csv module, so a lenient reading
is never lost. Row numbers are the spreadsheet's: blank rows count, and the header is the
first row that is not blank (usually row 1).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

import polars as pl
from django.utils.translation import gettext as _

from satudata.registry.fastparse import WHITESPACE

MAX_ROWS = 500_000
COLUMNS = {
    "nik": ("nik", "no_nik", "nomor_nik"),
    "name": ("nama", "name", "nama_penerima", "nama_lengkap"),
    "family_number": ("no_kk", "kk", "nomor_kk", "nokk"),
    "program": ("program", "program_bantuan", "jenis_bantuan"),
}
# Longest value kept per column (the Beneficiary model's field lengths).
WIDTH = {"nik": 40, "name": 200, "family_number": 40, "program": 100}
# Separators a CSV may use: Excel writes ";" where the decimal mark is a comma (as in
# Indonesian settings), and "Text (Tab delimited)" writes tabs.
SEPARATORS = (",", ";", "\t")
# A formula element in a worksheet's XML, with or without a namespace prefix (<f>, <x:f …>).
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


class ListError(ValueError):
    """The list cannot be read; the message names the row or column."""


@dataclass
class _Table:
    """Every cell as text, stripped, one column per position (column_0, column_1, …)."""

    frame: pl.DataFrame
    first_row: int = 1  # the spreadsheet row number of the frame's first row
    # XLSX only: the first sheet's name when the workbook has more than one sheet, and the
    # cells (frame row, column) holding a formula saved without its result.
    other_sheets: str = ""
    uncached: list[tuple[int, int]] = field(default_factory=list)


def _decode(data: bytes) -> str:
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ListError(
            _(
                "The file is not UTF-8 text (unreadable byte at row %(row)d). "
                "Save it as “CSV UTF-8” or as an Excel workbook and upload again."
            )
            % {"row": line}
        ) from exc


def _cell_text(value) -> str:
    # A NIK typed into Excel becomes a number; write it back as digits, not 6.2e+15.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _frame(rows: list[list[str]]) -> pl.DataFrame:
    width = max((len(r) for r in rows), default=0)
    padded = [r + [""] * (width - len(r)) for r in rows]
    return pl.DataFrame(padded, schema=[f"column_{i}" for i in range(width)], orient="row")


def _open_book(data: bytes, data_only: bool):
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ListError(_("The Excel file cannot be opened: it is damaged or not .xlsx.")) from exc


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet holds a formula: a byte search, cheaper than a second reading."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        return any(_FORMULA.search(archive.read(name)) for name in sheets)


def _xlsx_table(data: bytes) -> _Table:
    # The values a spreadsheet shows, not the formulas behind them: ="6201…" is a common way
    # to keep a NIK as text. A formula saved without its result (a file written by a program,
    # never opened in a spreadsheet) reads as empty, so those cells are found by a second
    # reading of the formulas, only for workbooks that hold formulas at all.
    book = _open_book(data, data_only=True)
    sheet = book.worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    many = len(book.sheetnames) > 1
    uncached = []
    if _has_formulas(data):
        formulas = _open_book(data, data_only=False).worksheets[0]
        for i, row in enumerate(formulas.iter_rows(values_only=True)):
            for j, value in enumerate(row):
                if isinstance(value, str) and value.startswith("="):
                    cached = values[i][j] if i < len(values) and j < len(values[i]) else None
                    if cached is None:
                        uncached.append((i, j))
    return _Table(
        _frame([[_cell_text(v) for v in r] for r in values]),
        other_sheets=sheet.title if many else "",
        uncached=uncached,
    )


def _blank_line(line: str) -> bool:
    """A line with nothing but spaces, separators and quotes (",,", "\"\";\"\"")."""
    return not line.strip(WHITESPACE + '"' + "".join(SEPARATORS))


def _csv_table(data: bytes) -> _Table:
    text = _decode(data)
    if "\x00" in text:
        raise ListError(_("The file is not a CSV text file."))
    if "\r" in text:  # Windows (CRLF) and old Mac (lone CR) line ends: polars splits on LF only
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Blank lines before the header are dropped (their numbers stay taken): polars takes the
    # number of columns from the first line, so a blank first line made every row one column.
    skipped = start = 0
    while True:  # by position: the text may be 100 MB, and a copy of it costs
        end = text.find("\n", start)
        if end < 0 or not _blank_line(text[start:end]):
            break
        skipped += 1
        start = end + 1
    text = text[start:]
    # The header line decides the separator (data cells may hold commas: "Siti, S.Pd"),
    # counted outside quoted titles.
    end = text.find("\n")
    header = re.sub(r'"[^"]*"', "", text if end < 0 else text[:end])
    delimiter = max(SEPARATORS, key=header.count)  # the first of a tie, so "," when none
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            has_header=False,
            infer_schema=False,
            separator=delimiter,
            truncate_ragged_lines=True,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError:  # e.g. a stray quote: the csv module is more lenient
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        frame = _frame([[c.strip() for c in r] for r in reader])
    else:
        frame = frame.select(pl.all().fill_null("").str.strip_chars(WHITESPACE))
    return _Table(frame, first_row=skipped + 1)


def _table(data: bytes, file_name: str) -> _Table:
    if file_name.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _xlsx_table(data)
    return _csv_table(data)


def _first_sheet_only(table: _Table) -> str:
    """The note added to a refusal when the workbook's other sheets were not read."""
    if not table.other_sheets:
        return ""
    return " " + _("Only the first sheet of the workbook (“%(sheet)s”) is read.") % {
        "sheet": table.other_sheets
    }


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def read_list(data: bytes, file_name: str, program: str = "") -> pl.DataFrame:
    """The list's rows: row (spreadsheet row number), nik, name, family_number, program."""
    table = _table(data, file_name)
    frame = table.frame
    if frame.height == 0:
        raise ListError(_("The file is empty.") + _first_sheet_only(table))
    filled = pl.any_horizontal(pl.col(c) != "" for c in frame.columns)
    # The header is the first row with something in it (XLSX rows and CSV lines alike).
    first = frame.with_row_index("i").filter(filled)["i"]
    if first.is_empty():
        raise ListError(_("The file is empty.") + _first_sheet_only(table))
    at = first[0]
    header_row = table.first_row + at
    found = list(frame.row(at))
    header = [h.strip().lower().replace(" ", "_").replace(".", "") for h in found]
    index = {}
    for key, aliases in COLUMNS.items():
        for i, name in enumerate(header):
            if name in aliases:
                index[key] = i
                break
    # A formula read without a value was never calculated (a file written by a program) or
    # shows empty text: the file does not tell these apart. It matters in the header, and in
    # the NIK or nama of a row holding something else, which is refused with its place rather
    # than verified as an empty NIK or name. Formulas filled down below the list show nothing
    # and are skipped as blank rows; in no_kk or program such a cell is empty, as an empty
    # result would be, and formulas in columns not read are left alone.
    required = {index.get("nik"), index.get("name")}
    read = list(index.values())
    for i, j in table.uncached:
        if i < at or (i > at and (j not in required or not any(frame.row(i)[k] for k in read))):
            continue
        raise ListError(
            _(
                "Row %(row)d, column %(column)s holds a formula whose value was not saved "
                "with the file (or is empty). Open the file in a spreadsheet program, save "
                "it and upload it again, or type the value instead of the formula."
            )
            % {
                "row": table.first_row + i,
                "column": _column_letter(j) + (f" ({found[j]})" if i != at else ""),
            }
        )

    missing = [k for k in ("nik", "name") if k not in index]
    if missing:
        titles = [h for h in found if h]
        message = _(
            "Required column %(missing)s is missing. Columns found: %(found)s. The column "
            "titles must be on the first row that is not empty (row %(row)d of this file)."
        ) % {
            "missing": ", ".join("NIK" if m == "nik" else "nama" for m in missing),
            "found": ", ".join(titles) or "-",
            "row": header_row,
        }
        if len(titles) == 1:
            message += " " + _("Separate the columns with a comma, a semicolon or a tab.")
        raise ListError(message + _first_sheet_only(table))
    if frame.height - at - 1 > MAX_ROWS:
        raise ListError(_("The list has more than %(n)d rows.") % {"n": MAX_ROWS})

    def cell(key: str) -> pl.Expr:
        if key not in index:
            return pl.lit("")
        value = pl.col(f"column_{index[key]}")
        if key in ("nik", "family_number"):
            value = value.str.replace_all(" ", "", literal=True)
        return value.str.slice(0, WIDTH[key])

    rows = (
        frame.with_row_index("row", offset=table.first_row)
        .slice(at + 1)
        # A row with nothing in any column is skipped; its number stays taken.
        .filter(filled)
        .select(
            pl.col("row").cast(pl.Int64),
            cell("nik").alias("nik"),
            cell("name").alias("name"),
            cell("family_number").alias("family_number"),
            cell("program").replace("", program[: WIDTH["program"]]).alias("program"),
        )
    )
    if rows.height == 0:
        raise ListError(_("The list has a header but no rows."))
    return rows
