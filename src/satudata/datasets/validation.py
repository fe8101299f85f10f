"""Reading an uploaded release (CSV, XLSX, JSON) and checking it against the dataset's schema.

Files are read as text columns by polars and every check is one vectorised expression, so a
million rows take about a second; the report names row, field, value and a message, always in
Indonesian (the producers' language), whatever language the request used.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.utils import translation
from django.utils.translation import gettext as _

from satudata.datasets import xlsx_read
from satudata.datasets.models import Field
from satudata.datasets.xlsx_read import FORMULA_MARK, column_letter

MAX_PROBLEMS = 1000
FORMATS = ("csv", "xlsx", "json")
TYPED = "__typed_"  # prefix of the cast copies; field names start with a letter
TRUE_WORDS = ["true", "1", "ya", "yes", "y", "benar"]
# Not "t": PostgreSQL and many exports write t for true, so it would be read backwards.
FALSE_WORDS = ["false", "0", "tidak", "no", "n", "salah"]
BLANK = "__blank"  # the flag of a row with every cell empty
# A quoted CSV cell; an escaped quote ("") inside one splits it in two, removed alike.
QUOTED = re.compile(rb'"[^"]*"')


class FileProblem(Exception):
    """The file as a whole cannot be read: empty, broken, wrong encoding, wrong columns."""


@dataclass
class Outcome:
    rows: int = 0
    error_count: int = 0
    problems: list[dict] = field(default_factory=list)
    frame: pl.DataFrame | None = None

    @property
    def valid(self) -> bool:
        return self.error_count == 0

    def add(self, row: int, field_name: str, value, message: str) -> None:
        self.error_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            shown = "" if value is None else str(value)[:100]
            self.problems.append(
                {"row": row, "field": field_name, "value": shown, "message": message}
            )

    def report(self) -> dict:
        return {
            "valid": self.valid,
            "rows": self.rows,
            "error_count": self.error_count,
            "problems": self.problems,
            "truncated": self.error_count > len(self.problems),
        }


BLOCK_BYTES = 8 << 20  # CSV is parsed in blocks of whole records (about 100,000 rows)


def _not_utf8(line: int) -> FileProblem:
    with translation.override("id"):
        return FileProblem(
            _(
                "The file is not UTF-8 text (line %(line)d). Save it as CSV UTF-8 "
                "and upload it again."
            )
            % {"line": line}
        )


def _problem(message: str) -> FileProblem:
    """A FileProblem whose (lazy) message is rendered in Indonesian."""
    with translation.override("id"):
        return FileProblem(str(message))


def _check_utf8(path: Path) -> None:
    """Refuse a file that is not UTF-8, naming the first line that is not."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise _not_utf8(line + chunk[: exc.start].count(b"\n")) from exc
            line += chunk.count(b"\n")


def _record_end(buffer: bytes) -> int:
    """Offset just after the last newline that ends a CSV record (an even number of quotes
    before it, so it is not inside a quoted cell); -1 if there is none."""
    pos = buffer.rfind(b"\n")
    if pos < 0:
        return -1
    quotes = buffer.count(b'"', 0, pos)
    while quotes % 2:
        previous = buffer.rfind(b"\n", 0, pos)
        if previous < 0:
            return -1
        quotes -= buffer.count(b'"', previous, pos)
        pos = previous
    return pos + 1


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " " + _("and") + " " + items[-1]


def check_header(names: list, places: list[str] | None = None) -> None:
    """Refuse a header with an unnamed column or a name given twice (ignoring case and the
    spaces around it), naming the columns by letter (or `places`): two columns of one name
    would otherwise be renamed or one would silently replace the other."""
    places = places or [column_letter(i) for i in range(len(names))]
    problems, seen = [], {}
    for name, place in zip(names, places, strict=True):
        key = "" if name is None else str(name).strip().lower()
        if not key:
            problems.append(_("Column %(place)s has no name.") % {"place": place})
        else:
            seen.setdefault(key, []).append(place)
    for key, where in seen.items():
        if len(where) > 1:
            problems.append(
                _("Column %(name)s appears more than once (columns %(places)s).")
                % {"name": key, "places": _and(where)}
            )
    if problems:
        raise FileProblem(" ".join(problems))


def _ragged(found: int, expected: int, row: int) -> FileProblem:
    return _problem(
        _("Row %(row)d has %(found)d columns, the header has %(expected)d.")
        % {"row": row, "found": found, "expected": expected}
    )


def _check_widths(body: bytes, separator: str, width: int, first_row: int) -> None:
    """Refuse a record with fewer cells than the header, which polars pads with empty cells
    (a longer one already failed in polars, see _parse_csv). Without its quoted cells a record
    is a line; when the separators add up to the header's count on every line (the usual
    case) no line is looked at one by one. Blank lines are the validator's ("Row N is
    empty")."""
    if b'"' in body:
        body = QUOTED.sub(b"", body)
    sep = separator.encode()
    expected = width - 1
    lines = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
    if body.count(sep) == expected * lines:
        return
    for i, line in enumerate(body.split(b"\n")):
        if line.count(sep) != expected and line.strip(b"\r"):
            raise _ragged(line.count(sep) + 1, width, first_row + i)


def _parse_csv(
    header: bytes, body: bytes, separator: str, width: int = 0, first_row: int = 2
) -> pl.DataFrame:
    try:
        return pl.read_csv(
            io.BytesIO(header + body), separator=separator, infer_schema=False, encoding="utf8"
        )
    except Exception as exc:  # polars raises several error types for malformed CSV
        # Find the record polars stopped at (quoted cells: the csv module reads them as polars).
        text = body.decode("utf-8", errors="replace")
        for i, record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=separator)):
            if width and len(record) > width:
                raise _ragged(len(record), width, first_row + i) from exc
        with translation.override("id"):
            message = _("The CSV file cannot be read: %(error)s") % {"error": exc}
        raise FileProblem(message) from exc


def _separator(text: str) -> str:
    """Comma, semicolon (Indonesian Excel) or tab, whichever the header holds most of."""
    counts = {",": text.count(","), ";": text.count(";"), "\t": text.count("\t")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def _csv_frames(path: Path, block_bytes: int | None = None):
    """The CSV file as frames of text columns, one per block of whole records, checking UTF-8
    on the way; memory stays at a few blocks whatever the file's size."""
    block_bytes = block_bytes or BLOCK_BYTES
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    carry = b""
    header = None
    separator = ","
    width = 0
    rows = 0
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(block_bytes)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                raise _not_utf8(line + chunk[: exc.start].count(b"\n")) from exc
            line += chunk.count(b"\n")
            buffer = carry + chunk
            end = len(buffer) if not chunk else _record_end(buffer)
            if end < 0:
                carry = buffer
                continue
            body, carry = buffer[:end], buffer[end:]
            if header is None:
                body = body.removeprefix(codecs.BOM_UTF8)
                cut = body.find(b"\n")
                header, body = (body, b"") if cut < 0 else (body[: cut + 1], body[cut + 1 :])
                text = header.decode("utf-8")
                if not text.strip():
                    raise _problem(_("The file is empty."))
                separator = _separator(text)
                names = next(csv.reader([text.rstrip("\r\n")], delimiter=separator))
                with translation.override("id"):
                    check_header(names)
                width = len(names)
                if not header.endswith(b"\n"):
                    header += b"\n"
            if body.strip():
                with translation.override("id"):
                    frame = _parse_csv(header, body, separator, width, rows + 2)
                    _check_widths(body, separator, width, rows + 2)
                rows += frame.height
                yield frame
            if not chunk:
                return


_cell_text = xlsx_read.cell_text


def _xlsx_frames(path: Path):
    """The first sheet in frames of ROWS_PER_FRAME rows (see xlsx_read: the unpacked size and
    the row count are checked first, formula cells without a stored value are marked)."""
    with translation.override("id"):
        try:
            header, frames = xlsx_read.header_and_frames(path)
        except xlsx_read.XlsxProblem as exc:
            raise FileProblem(str(exc)) from exc
        except Exception as exc:  # calamine raises its own errors for broken workbooks
            raise FileProblem(
                _("The Excel file cannot be read; is it a real .xlsx workbook?")
            ) from exc
        if header is None:
            raise FileProblem(_("The file is empty."))
        names = [_cell_text(h) for h in header]
        check_header(names)
        names = [n.strip() for n in names]
    for frame in frames:
        yield frame.rename(dict(zip(frame.columns, names, strict=True)))


def _read_json(path: Path) -> pl.DataFrame:
    _check_utf8(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig") or "null")
    except json.JSONDecodeError as exc:
        raise FileProblem(
            _("The JSON file is not valid (line %(line)d).") % {"line": exc.lineno}
        ) from exc
    if isinstance(data, dict):
        data = data.get("records")
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise FileProblem(_("The JSON file must be a list of objects, one per row."))
    if not data:
        raise FileProblem(_("The file is empty."))
    names = list(dict.fromkeys(k for record in data for k in record))
    check_header(names, [repr(n) for n in names])
    columns = {n: [_cell_text(r.get(n)) for r in data] for n in names}
    return pl.DataFrame(columns, schema=dict.fromkeys(names, pl.String))


def read_frames(path: Path, fmt: str):
    """The file as successive frames of text columns (CSV streamed in blocks; XLSX and JSON
    in one frame); FileProblem, in Indonesian, if it cannot be read."""
    if fmt not in FORMATS:
        raise _problem(_("Upload a CSV, XLSX or JSON file."))
    if path.stat().st_size == 0:
        raise _problem(_("The file is empty."))
    if fmt == "csv":
        frames = _csv_frames(path)
    elif fmt == "xlsx":
        frames = _xlsx_frames(path)
    else:
        with translation.override("id"):
            frames = iter([_read_json(path)])
    rows = 0
    for frame in frames:
        rows += frame.height
        yield frame.rename({c: c.strip().lower() for c in frame.columns})
    if rows == 0:
        raise _problem(_("The file has a header but no rows."))


def read_file(path: Path, fmt: str) -> pl.DataFrame:
    """The whole file as one frame of text columns (small files; uploads stream)."""
    return pl.concat(list(read_frames(path, fmt)), how="vertical")


def _unsupported(spec: Field) -> bool:
    """A pattern Python's re accepts but polars' (Rust) regex engine cannot run, such as a
    lookahead or a backreference; schemas saved before such patterns were refused have them."""
    if not spec.pattern or spec.type != Field.Type.STRING:
        return False
    try:
        pl.Series(["x"], dtype=pl.String).str.contains(f"^(?:{spec.pattern})$")
    except Exception:  # polars raises ComputeError (or others) for a regex it cannot compile
        return True
    return False


def _typed(text: pl.Expr, spec: Field) -> pl.Expr:
    """The column cast to the field's type; values that do not fit become null."""
    if spec.type == Field.Type.INTEGER:
        return text.cast(pl.Int64, strict=False)
    if spec.type == Field.Type.NUMBER:
        # NaN and infinity (any case, also 1e400) are not numbers a table or JSON can hold.
        number = text.cast(pl.Float64, strict=False)
        return pl.when(number.is_finite()).then(number).otherwise(None)
    if spec.type == Field.Type.DATE:
        return text.str.to_date("%Y-%m-%d", strict=False)
    if spec.type == Field.Type.BOOLEAN:
        low = text.str.to_lowercase()
        return (
            pl.when(low.is_in(TRUE_WORDS))
            .then(True)
            .when(low.is_in(FALSE_WORDS))
            .then(False)
            .otherwise(None)
        )
    if spec.type == Field.Type.REGION:
        return dotted_region(text)
    return text


def dotted_region(text: pl.Expr) -> pl.Expr:
    """Region codes as Kemendagri writes them: agencies' spreadsheets often drop the dots
    (6201022016, 620102), so undotted village, district and regency codes get them back."""
    return (
        text.str.replace(r"^(\d{2})(\d{2})(\d{2})(\d{4})$", "${1}.${2}.${3}.${4}")
        .str.replace(r"^(\d{2})(\d{2})(\d{2})$", "${1}.${2}.${3}")
        .str.replace(r"^(\d{2})(\d{2})$", "${1}.${2}")
    )


def plain_number(value: float | None):
    """A limit as people write it: 0, not the 0.0 a FloatField gives back."""
    if value is not None and float(value).is_integer():
        return int(value)
    return value


TYPE_CHECKED = (Field.Type.INTEGER, Field.Type.NUMBER, Field.Type.DATE, Field.Type.BOOLEAN)


def _type_message(spec: Field) -> str:
    return {
        Field.Type.INTEGER: _("is not a whole number"),
        Field.Type.NUMBER: _("is not a number"),
        Field.Type.DATE: _("is not a date in the form YYYY-MM-DD"),
        Field.Type.BOOLEAN: _("is not yes/no (ya/tidak, true/false, 1/0)"),
    }[spec.type]


class Validator:
    """Checks a file frame by frame against the schema; counts and problems accumulate in
    `outcome`, row numbers continue from one frame to the next."""

    def __init__(self, fields, codes, region_codes, first_row: int = 2):
        self.fields = list(fields)
        self.outcome = Outcome()
        self.next_row = first_row
        self.columns_checked = False
        self.required_missing = False
        # Allowed values as Series once, not converted again for every frame.
        self.allowed = {
            name: pl.Series(sorted(values), dtype=pl.String) for name, values in codes.items()
        }
        self.regions = (
            pl.Series(sorted(region_codes), dtype=pl.String) if region_codes is not None else None
        )
        self.bad_patterns = {f.name: f.pattern for f in self.fields if _unsupported(f)}

    def check(self, frame: pl.DataFrame) -> pl.DataFrame | None:
        """Check one frame; its typed rows while the whole file is still valid, else None."""
        with translation.override("id"):
            first_row = self.next_row
            self.next_row += frame.height
            self.outcome.rows += frame.height
            if not self.columns_checked:
                self.columns_checked = True
                self.required_missing = self._check_columns(frame)
            if self.required_missing:
                return None
            return self._check_rows(frame, first_row)

    def finish(self) -> Outcome:
        self.outcome.problems.sort(key=lambda p: (p["row"], p["field"]))
        return self.outcome

    def _check_columns(self, frame: pl.DataFrame) -> bool:
        """True when a required column is missing: no row can be checked then. A column the
        schema lacks is reported and the rows are still checked, so the producer sees every
        problem of the file in one report, not one upload at a time."""
        outcome = self.outcome
        for name, pattern in self.bad_patterns.items():
            outcome.add(
                1,
                name,
                pattern,
                _(
                    "Column %(name)s: the pattern %(pattern)s uses regular-expression features "
                    "that are not supported (such as lookahead or backreferences); ask the "
                    "data custodian to change the column's pattern."
                )
                % {"name": name, "pattern": pattern},
            )
        known = {f.name for f in self.fields}
        extras = [c for c in frame.columns if c not in known]
        for extra in extras:
            outcome.add(
                1, extra, None, _("Column %(name)s is not in the schema.") % {"name": extra}
            )
        missing = False
        for spec in self.fields:
            if spec.name not in frame.columns and spec.required:
                missing = True
                outcome.add(
                    1,
                    spec.name,
                    None,
                    _("Required column %(name)s is missing.") % {"name": spec.name},
                )
        return missing

    def _checks(self, marked: bool) -> tuple[list[pl.Expr], list[tuple[Field, pl.Expr, str]]]:
        """Cast columns and (field, flag, problem) checks. `marked`: the frame holds NUL
        characters (an XLSX formula without a stored value, or a broken text); such a cell
        gets its own message and no other check."""
        typed_columns = []
        checks: list[tuple[Field, pl.Expr, str]] = []
        for spec in self.fields:
            text = pl.col(spec.name)
            marks_end = len(checks)
            if marked:
                checks.append(
                    (
                        spec,
                        text == FORMULA_MARK,
                        _(
                            "the cell holds a formula without a stored value; open and save "
                            "the file again in Excel or paste the cells as values"
                        ),
                    )
                )
                checks.append(
                    (
                        spec,
                        text.str.contains("\x00", literal=True) & (text != FORMULA_MARK),
                        _("holds a NUL character, which text cannot hold"),
                    )
                )
            marks_end = len(checks)
            # Each column is cast once (see _check_rows); checks read the cast column.
            typed_columns.append(_typed(text, spec).alias(TYPED + spec.name))
            typed = pl.col(TYPED + spec.name)
            if spec.required:
                checks.append((spec, text.is_null(), _("is required but empty")))
            if spec.type in TYPE_CHECKED:
                checks.append((spec, text.is_not_null() & typed.is_null(), _type_message(spec)))
            if spec.type in (Field.Type.INTEGER, Field.Type.NUMBER):
                if spec.minimum is not None:
                    checks.append(
                        (
                            spec,
                            typed < spec.minimum,
                            _("is below the minimum %(v)s") % {"v": plain_number(spec.minimum)},
                        )
                    )
                if spec.maximum is not None:
                    checks.append(
                        (
                            spec,
                            typed > spec.maximum,
                            _("is above the maximum %(v)s") % {"v": plain_number(spec.maximum)},
                        )
                    )
            if (
                spec.pattern
                and spec.type == Field.Type.STRING
                and spec.name not in self.bad_patterns
            ):
                matches = text.str.contains(f"^(?:{spec.pattern})$")
                checks.append(
                    (spec, text.is_not_null() & ~matches, _("does not match the pattern"))
                )
            if spec.type == Field.Type.CODE:
                allowed = self.allowed.get(spec.name, pl.Series([], dtype=pl.String))
                checks.append(
                    (
                        spec,
                        text.is_not_null() & ~text.is_in(allowed.implode()),
                        _("is not a code of the list"),
                    )
                )
            if spec.type == Field.Type.REGION and self.regions is not None:
                checks.append(
                    (
                        spec,
                        text.is_not_null() & ~typed.is_in(self.regions.implode()),
                        _("is not a known region code (e.g. 62.01.02.2016)"),
                    )
                )
            if marked:
                # A NUL cell has its own message above, and no other.
                clean = ~text.str.contains("\x00", literal=True).fill_null(False)
                for i in range(marks_end, len(checks)):
                    checks[i] = (checks[i][0], checks[i][1] & clean, checks[i][2])
        return typed_columns, checks

    def _check_rows(self, frame: pl.DataFrame, first_row: int) -> pl.DataFrame | None:
        outcome = self.outcome
        missing = [f.name for f in self.fields if f.name not in frame.columns]
        if missing:
            frame = frame.with_columns([pl.lit(None, dtype=pl.String).alias(n) for n in missing])
        # A row with every cell of the file empty (a blank line) is one problem, not one per
        # required column; it is not checked further.
        present = [c for c in frame.columns if c not in missing]
        blank = pl.all_horizontal(
            [pl.col(c).str.strip_chars().replace("", None).is_null() for c in present]
        )
        marked = bool(
            frame.select(
                pl.any_horizontal(
                    [pl.col(c).str.contains("\x00", literal=True).any() for c in present]
                )
            ).item()
        )
        # Trimmed text, empty cells as missing.
        frame = frame.select(
            [pl.col(f.name).str.strip_chars().replace("", None).alias(f.name) for f in self.fields]
            + [blank.alias(BLANK)]
        )
        typed_columns, checks = self._checks(marked)
        frame = frame.with_columns(typed_columns)
        blank_rows = frame.get_column(BLANK)
        if blank_rows.any():
            bad_rows = blank_rows.arg_true()
            for index in bad_rows.head(MAX_PROBLEMS).to_list():
                outcome.add(
                    index + first_row,
                    "",
                    None,
                    _("Row %(row)d is empty; delete it.") % {"row": index + first_row},
                )
            outcome.error_count += max(0, bad_rows.len() - MAX_PROBLEMS)
        if checks:
            flags = frame.select(
                [
                    (expr.fill_null(False) & ~pl.col(BLANK)).alias(f"c{i}")
                    for i, (_s, expr, _m) in enumerate(checks)
                ]
            )
            counts = flags.sum().row(0)
            for i, (spec, _expr, message) in enumerate(checks):
                if not counts[i]:
                    continue
                bad_rows = flags.get_column(f"c{i}").arg_true().head(MAX_PROBLEMS).to_list()
                values = frame.get_column(spec.name).gather(bad_rows).to_list()
                for index, value in zip(bad_rows, values, strict=True):
                    shown = "" if value is None or "\x00" in value else value
                    outcome.add(
                        index + first_row,
                        spec.name,
                        shown,
                        _("Row %(row)d, %(field)s: %(value)s %(problem)s.")
                        % {
                            "row": index + first_row,
                            "field": spec.label or spec.name,
                            "value": repr(shown) if shown else "''",
                            "problem": message,
                        },
                    )
                outcome.error_count += counts[i] - len(bad_rows)
        if outcome.error_count:
            return None
        return frame.select([pl.col(TYPED + f.name).alias(f.name) for f in self.fields])


def validate(
    frame: pl.DataFrame,
    fields: list[Field],
    codes: dict[str, set[str]],
    region_codes: set[str] | None,
    first_row: int = 2,
) -> Outcome:
    """Check a whole frame against the schema; the typed frame is kept when all rows pass."""
    validator = Validator(fields, codes, region_codes, first_row)
    typed = validator.check(frame)
    outcome = validator.finish()
    outcome.frame = typed
    return outcome
