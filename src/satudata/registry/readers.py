"""Streaming readers for resident files: CSV (UTF-8 with or without BOM, Windows-1252) and XLSX.

Both yield the header once and then rows as lists, never holding the whole file in memory,
and report how far through the file they are so the CLI and the web job can show progress.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.registry.validation import EXCEL_EPOCH

ROW_BYTES = 160  # about an OpenSID row: the csv module's blocks hold as many rows as polars'


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why, in the user's language."""


class Source:
    """Rows of a file plus progress: `header`, `rows()`, `position()` and `size`."""

    header: list[str]
    size: int
    # The day a date serial of 0 counts from: Excel's 1900 system unless the workbook says
    # otherwise (a CSV holds no serial system; its serials are read as Windows Excel's).
    epoch = EXCEL_EPOCH

    def rows(self) -> Iterator[list]:
        raise NotImplementedError

    def position(self) -> int:
        raise NotImplementedError

    def close(self) -> None:
        pass


ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252"}
MIXED_ENCODINGS = gettext_lazy(
    "The file mixes two encodings (UTF-8 and Windows-1252): some names would be garbled. "
    "Open it in Excel and save it as CSV UTF-8."
)
# An accented letter in UTF-8 (2–4 bytes), which Windows-1252 text practically never holds
# ("Ã©" for "é"): found in a file read as Windows-1252, rows came from two sources.
UTF8_LETTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def _utf8_later(raw) -> bool:
    """A UTF-8 accented letter anywhere in the file (a scan at ~1 GB/s; Windows-1252 files
    only)."""
    raw.seek(0)
    tail = b""
    while chunk := raw.read(1 << 20):
        if not chunk.isascii() and UTF8_LETTER.search(tail + chunk):
            return True
        tail = chunk[-3:]
    return False


def _encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in sample:
        raise FileProblem(
            _(
                "The file is in an encoding we do not read (UTF-16 or binary). "
                "Save it as CSV UTF-8 or as XLSX."
            )
        )
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start < len(sample) - 4:
            if not sample[: exc.start].isascii():
                # Accents in UTF-8 first, then a byte UTF-8 does not allow: rows pasted
                # from two sources. Read as Windows-1252, the UTF-8 names were garbled.
                raise FileProblem(MIXED_ENCODINGS) from exc
            return "cp1252"
    return "utf-8"


def _first_non_ascii(raw) -> bytes:
    """Up to 64 KB from the first byte that is not ASCII (b"" if there is none). A file whose
    start is plain ASCII is UTF-8 and Windows-1252 alike: its first accented letter, maybe
    thousands of rows on, decides. A scan for it reads ~1 GB/s, against ~0.1 GB/s import."""
    while chunk := raw.read(1 << 20):
        if not chunk.isascii():
            found = re.search(rb"[\x80-\xff]", chunk)
            assert found is not None
            return (chunk[found.start() :] + raw.read(65536))[:65536]
    return b""


class CsvSource(Source):
    def __init__(self, path: Path):
        self.size = path.stat().st_size
        self.path = path
        self.raw = path.open("rb")
        sample = self.raw.read(65536)
        self.encoding = _encoding(sample)
        if sample.isascii():
            later = _first_non_ascii(self.raw)
            if later:
                self.encoding = _encoding(later)
        if self.encoding == "cp1252" and _utf8_later(self.raw):
            raise FileProblem(MIXED_ENCODINGS)
        self.raw.seek(0)
        self.text = io.TextIOWrapper(self.raw, encoding=self.encoding, newline="")
        first = sample.split(b"\n", 1)[0]
        delimiter = max((b",", b";", b"\t"), key=first.count).decode()
        self.delimiter = delimiter
        self.reader = csv.reader(self.text, delimiter=delimiter)
        self.line = 0
        try:
            self.header = next(self.reader, [])
        except UnicodeDecodeError as exc:
            raise self._decode_problem() from exc
        self.header = [h.strip().lower().lstrip("\ufeff") for h in self.header]

    def _decode_problem(self) -> FileProblem:
        return FileProblem(
            _(
                "Row %(row)d: the file is not valid %(encoding)s text. Save it as CSV UTF-8 "
                "and import it again."
            )
            % {"row": self.line + 2, "encoding": ENCODING_NAMES.get(self.encoding, self.encoding)}
        )

    def rows(self) -> Iterator[list]:
        try:
            for row in self.reader:
                self.line += 1
                yield row
        except UnicodeDecodeError as exc:
            raise self._decode_problem() from exc
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                # The csv module's own words, in English and without the column, were all
                # the user saw; its reader cannot say which column it was reading.
                raise FileProblem(
                    _("Row %(row)d: a cell is larger than %(kb)d KB; check the file.")
                    % {"row": self.line + 2, "kb": csv.field_size_limit() // 1024}
                ) from exc
            raise FileProblem(
                _("Row %(row)d: the CSV cannot be read (%(error)s).")
                % {"row": self.line + 2, "error": exc}
            ) from exc

    def position(self) -> int:
        return max(self.raw.tell(), getattr(self, "offset", 0))

    def close(self) -> None:
        self.text.close()

    def blocks(
        self, width: int, size: int
    ) -> Iterator[tuple[int, pl.DataFrame | None, list[list]]] | None:
        """The records after the header as (line of the first, frame of text columns c0…,
        or None and the rows), in blocks of `size` bytes cut at a line end. Polars reads a
        block several times faster than the csv module plus building columns from its rows.

        Only blocks on which polars and the csv module cannot disagree go to polars: no
        quote, NUL or lone CR, valid text, no field over the csv module's limit. From the
        first block that has any of these the csv module reads the rest of the file (a
        quote may open a field over several lines, so blocks cut at line ends no longer
        hold whole records). None when the header itself has a quote: `rows()` reads all.
        One pass over the file: checking it first cost a second read (~0.25 s at 600k rows).
        """
        with self.path.open("rb") as handle:
            header = handle.readline()
        if b'"' in header or not header.endswith(b"\n"):
            return None
        return self._blocks(len(header), width, size)

    def _blocks(self, start: int, width: int, size: int) -> Iterator[tuple]:
        names = [f"c{i}" for i in range(width)]
        separator = self.delimiter.encode()
        line = 2
        self.offset = start
        with self.path.open("rb") as handle:
            handle.seek(start)
            rest = b""
            while True:
                data = handle.read(size)
                block = rest + data
                if not block:
                    return
                cut = block.rfind(b"\n") + 1 if data else len(block)
                if cut == 0:
                    rest = block
                    continue
                block, rest = block[:cut], block[cut:]
                text = self._plain_text(block, line, last=not data)
                if text is None:
                    yield from self._csv_blocks(line, size)
                    return
                records = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
                utf8 = block if self.encoding in ("utf-8", "utf-8-sig") else text.encode()
                try:
                    frame = pl.read_csv(
                        utf8,
                        has_header=False,
                        infer_schema=False,
                        quote_char=None,
                        separator=self.delimiter,
                        new_columns=names,
                    )
                except pl.exceptions.PolarsError:  # e.g. a row longer than the header
                    frame = None
                if frame is not None and block.count(separator) != records * (width - 1):
                    # A row with more or fewer cells than the header (a file cut mid-row, a
                    # comma typed in an address) or a blank line: polars would pad it with
                    # empty cells. The csv module's rows go through the importer's check of
                    # each row's width. (No quote in the block: every separator separates.)
                    frame = None
                if frame is not None and _longest_field(frame) > csv.field_size_limit():
                    yield from self._csv_blocks(line, size)
                    return
                self.offset += len(block)
                if frame is not None and frame.width == width and frame.height == records:
                    yield line, frame.fill_null(""), []
                else:
                    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter))
                    yield line, None, rows
                self.line = line - 2 + records
                line += records

    def _plain_text(self, block: bytes, line: int, last: bool) -> str | None:
        """The block as text if polars may read it (see `blocks`), else None. Text that is
        not valid in the file's encoding is refused here, naming the row it is on (the csv
        module's reader decodes ahead and would name an earlier one)."""
        try:
            text = block.decode(self.encoding)
        except UnicodeDecodeError as exc:
            if b'"' not in block[: exc.start]:  # else a record may span lines: csv decides
                self.line = line - 2 + block.count(b"\n", 0, exc.start)
                raise self._decode_problem() from exc
            return None
        if b'"' in block or b"\x00" in block:
            return None
        # A CR ending the file is a line end to both readers.
        whole = block[:-1] if last and block.endswith(b"\r") else block
        if b"\r" in whole and whole.count(b"\r") != whole.count(b"\r\n"):  # `in` is memchr
            return None
        return text

    def _csv_blocks(self, line: int, size: int) -> Iterator[tuple]:
        """The records from `self.offset` (the start of record `line`) on, read by the csv
        module, as (line of the first, None, rows) of about `size` bytes each."""
        # A handle of its own: the header's reader may have read ahead. No BOM in the
        # middle of a file: plain UTF-8 from here.
        self.text.close()
        self.raw = self.path.open("rb")
        self.raw.seek(self.offset)
        encoding = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        self.text = io.TextIOWrapper(self.raw, encoding=encoding, newline="")
        self.reader = csv.reader(self.text, delimiter=self.delimiter)
        self.line = line - 2
        self.offset = 0  # position() follows the file handle from here
        rows: list[list] = []
        first = line
        for row in self.rows():
            rows.append(row)
            if len(rows) * ROW_BYTES >= size:
                yield first, None, rows
                first, rows = first + len(rows), []
        if rows:
            yield first, None, rows


def _longest_field(frame: pl.DataFrame) -> int:
    longest = frame.select(pl.max_horizontal(pl.all().str.len_bytes().max())).item()
    return longest or 0


EXCEL_MAX_ROWS = 1_048_576


class XlsxSource(Source):
    def __init__(self, path: Path):
        import openpyxl

        self.size = path.stat().st_size
        # Opened by us: openpyxl checks a path's extension, and an XLSX saved as "warga.csv"
        # (known by its content) ended in a traceback.
        self.handle = path.open("rb")
        try:
            self.book = openpyxl.load_workbook(self.handle, read_only=True, data_only=True)
            sheet, first, self.ignored_sheets = _resident_sheet(self.book)
            # 1904-01-01 for a workbook in Excel's 1904 date system (workbook.xml
            # date1904="1", older Excel for Mac): its date cells openpyxl reads with it
            # already, its number cells the importer reads with it as serials.
            self.epoch = self.book.epoch.date()
            self.total_rows = sheet.max_row or 0
            self.iter = sheet.iter_rows(values_only=True)
            next(self.iter, None)  # the header, already read
        except FileProblem:
            self.handle.close()
            raise
        except Exception as exc:
            # Whatever openpyxl meets in a damaged file (a zip cut short, XML that does not
            # parse, a part missing) is the file's fault, not a server error: a list of the
            # kinds seen kept missing the next one (ParseError from a broken
            # [Content_Types].xml ended the job with a traceback).
            self.handle.close()
            raise FileProblem(
                _("The XLSX file is damaged or incomplete. Save it again in Excel.")
            ) from exc
        self.header = [str(h or "").strip().lower() for h in (first or ())]
        self.line = 0

    def rows(self) -> Iterator[list]:
        try:
            for row in self.iter:
                self.line += 1
                if self.line >= EXCEL_MAX_ROWS:
                    # A row number past Excel's last (a damaged sheet): openpyxl would yield
                    # every empty row up to it, for hours.
                    raise ValueError("row past the last row Excel has")
                yield ["" if v is None else v for v in row]
        except Exception as exc:  # as in __init__: a damaged file
            raise FileProblem(
                _("Row %(row)d: the XLSX file is damaged or incomplete.") % {"row": self.line + 2}
            ) from exc

    def position(self) -> int:
        if not self.total_rows:
            return 0
        return min(self.size, self.size * self.line // self.total_rows)

    def close(self) -> None:
        self.book.close()
        self.handle.close()


def _resident_sheet(book) -> tuple:
    """The first sheet whose first row has a NIK column (a workbook may open on a sheet of
    notes), else the first sheet; with its first row and the names of the other sheets
    with a NIK column, which are not imported (the import says so)."""
    found = None
    others: list[str] = []
    for sheet in book.worksheets:
        first = next(sheet.iter_rows(max_row=1, values_only=True), None) or ()
        residents = "nik" in {str(value or "").strip().lower() for value in first}
        if residents and found is not None and found[2]:
            others.append(sheet.title)
        elif residents or found is None:
            found = (sheet, first, residents)
    if found is None:
        raise ValueError("no sheet")
    return found[0], found[1], others


def open_source(path: Path) -> Source:
    """A reader for the file by its content (XLSX is a zip) and name."""
    if not path.exists() or path.stat().st_size == 0:
        raise FileProblem(_("The file is empty."))
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == b"PK\x03\x04" or path.suffix.lower() in (".xlsx", ".xlsm"):
        return XlsxSource(path)
    return CsvSource(path)
