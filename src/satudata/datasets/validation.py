"""Reading an uploaded release (CSV, XLSX, JSON) and checking it against the dataset's schema.

Files are read as text columns by polars and every check is one vectorised expression, so a
million rows take about a second; the report names row, field, value and a message, always in
Indonesian (the producers' language), whatever language the request used.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.utils import translation
from django.utils.translation import gettext as _

from satudata.datasets.models import Field

MAX_PROBLEMS = 1000
FORMATS = ("csv", "xlsx", "json")
TRUE_WORDS = ["true", "1", "ya", "yes", "y", "benar"]
FALSE_WORDS = ["false", "0", "tidak", "no", "t", "n", "salah"]


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


def _check_utf8(path: Path) -> None:
    """Refuse a file that is not UTF-8, naming the first line that is not."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line += chunk[: exc.start].count(b"\n")
                raise FileProblem(
                    _(
                        "The file is not UTF-8 text (line %(line)d). Save it as CSV UTF-8 "
                        "and upload it again."
                    )
                    % {"line": line}
                ) from exc
            line += chunk.count(b"\n")


def _read_csv(path: Path) -> pl.DataFrame:
    _check_utf8(path)
    with path.open("r", encoding="utf-8-sig") as handle:
        header = handle.readline()
    if not header.strip():
        raise FileProblem(_("The file is empty."))
    separator = ";" if header.count(";") > header.count(",") else ","
    try:
        frame = pl.read_csv(
            path,
            separator=separator,
            infer_schema=False,
            encoding="utf8",
        )
    except Exception as exc:  # polars raises several error types for malformed CSV
        raise FileProblem(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc
    return frame


def _cell_text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def _read_xlsx(path: Path) -> pl.DataFrame:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=True)
    except Exception as exc:  # calamine raises its own errors for broken workbooks
        raise FileProblem(_("The Excel file cannot be read; is it a real .xlsx workbook?")) from exc
    if not rows:
        raise FileProblem(_("The file is empty."))
    header = [str(h).strip() for h in rows[0]]
    columns = {name: [_cell_text(row[i]) for row in rows[1:]] for i, name in enumerate(header)}
    return pl.DataFrame(columns, schema=dict.fromkeys(header, pl.String))


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
    columns = {n: [_cell_text(r.get(n)) for r in data] for n in names}
    return pl.DataFrame(columns, schema=dict.fromkeys(names, pl.String))


def read_file(path: Path, fmt: str) -> pl.DataFrame:
    """The file as a frame of text columns; FileProblem (in Indonesian) if it cannot be."""
    with translation.override("id"):
        return _read_file(path, fmt)


def _read_file(path: Path, fmt: str) -> pl.DataFrame:
    if path.stat().st_size == 0:
        raise FileProblem(_("The file is empty."))
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "json": _read_json}.get(fmt)
    if reader is None:
        raise FileProblem(_("Upload a CSV, XLSX or JSON file."))
    frame = reader(path)
    frame = frame.rename({c: c.strip().lower() for c in frame.columns})
    if frame.height == 0:
        raise FileProblem(_("The file has a header but no rows."))
    return frame


def _typed(text: pl.Expr, spec: Field) -> pl.Expr:
    """The column cast to the field's type; values that do not fit become null."""
    if spec.type == Field.Type.INTEGER:
        return text.cast(pl.Int64, strict=False)
    if spec.type == Field.Type.NUMBER:
        return text.cast(pl.Float64, strict=False)
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
    return text


TYPE_CHECKED = (Field.Type.INTEGER, Field.Type.NUMBER, Field.Type.DATE, Field.Type.BOOLEAN)


def _type_message(spec: Field) -> str:
    return {
        Field.Type.INTEGER: _("is not a whole number"),
        Field.Type.NUMBER: _("is not a number"),
        Field.Type.DATE: _("is not a date in the form YYYY-MM-DD"),
        Field.Type.BOOLEAN: _("is not yes/no (ya/tidak, true/false, 1/0)"),
    }[spec.type]


def validate(
    frame: pl.DataFrame,
    fields: list[Field],
    codes: dict[str, set[str]],
    region_codes: set[str] | None,
    first_row: int = 2,
) -> Outcome:
    """Check every row against the schema; the typed frame is kept when all rows pass."""
    with translation.override("id"):
        return _validate(frame, fields, codes, region_codes, first_row)


def _validate(frame, fields, codes, region_codes, first_row) -> Outcome:
    outcome = Outcome(rows=frame.height)
    known = {f.name for f in fields}
    for extra in [c for c in frame.columns if c not in known]:
        outcome.add(1, extra, None, _("Column %(name)s is not in the schema.") % {"name": extra})
    for spec in fields:
        if spec.name not in frame.columns:
            if spec.required:
                outcome.add(
                    1,
                    spec.name,
                    None,
                    _("Required column %(name)s is missing.") % {"name": spec.name},
                )
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(spec.name))
    if outcome.error_count:
        return outcome
    # Trimmed text, empty cells as missing.
    frame = frame.select(
        [pl.col(f.name).str.strip_chars().replace("", None).alias(f.name) for f in fields]
    )
    typed_columns = []
    checks: list[tuple[Field, pl.Expr, str]] = []
    for spec in fields:
        text = pl.col(spec.name)
        typed = _typed(text, spec)
        typed_columns.append(typed.alias(spec.name))
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
                        _("is below the minimum %(v)s") % {"v": spec.minimum},
                    )
                )
            if spec.maximum is not None:
                checks.append(
                    (
                        spec,
                        typed > spec.maximum,
                        _("is above the maximum %(v)s") % {"v": spec.maximum},
                    )
                )
        if spec.pattern and spec.type == Field.Type.STRING:
            matches = text.str.contains(f"^(?:{spec.pattern})$")
            checks.append((spec, text.is_not_null() & ~matches, _("does not match the pattern")))
        if spec.type == Field.Type.CODE:
            allowed = sorted(codes.get(spec.name, set()))
            checks.append(
                (spec, text.is_not_null() & ~text.is_in(allowed), _("is not a code of the list"))
            )
        if spec.type == Field.Type.REGION and region_codes is not None:
            checks.append(
                (
                    spec,
                    text.is_not_null() & ~text.is_in(sorted(region_codes)),
                    _("is not a known region code (e.g. 62.01.02.2016)"),
                )
            )
    if checks:
        flags = frame.select(
            [expr.fill_null(False).alias(f"c{i}") for i, (_s, expr, _m) in enumerate(checks)]
        )
        counts = flags.sum().row(0)
        for i, (spec, _expr, message) in enumerate(checks):
            if not counts[i]:
                continue
            bad_rows = flags.get_column(f"c{i}").arg_true().head(MAX_PROBLEMS).to_list()
            values = frame.get_column(spec.name).gather(bad_rows).to_list()
            for index, value in zip(bad_rows, values, strict=True):
                outcome.add(
                    index + first_row,
                    spec.name,
                    value,
                    _("Row %(row)d, %(field)s: %(value)s %(problem)s.")
                    % {
                        "row": index + first_row,
                        "field": spec.label or spec.name,
                        "value": repr(value) if value is not None else "''",
                        "problem": message,
                    },
                )
            outcome.error_count += counts[i] - len(bad_rows)
        outcome.problems.sort(key=lambda p: (p["row"], p["field"]))
    if outcome.error_count == 0:
        outcome.frame = frame.select(typed_columns)
    return outcome
