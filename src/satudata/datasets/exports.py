"""Downloads of a release as CSV, XLSX or JSON; text cells never become spreadsheet formulas."""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import json

from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse

from satudata.core.spreadsheet import text_cell
from satudata.datasets.datastore import quote, to_python
from satudata.datasets.models import Release

CHUNK = 5000


def safe_cell(value):
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe; a
    yes/no cell is written `true`/`false`, as in the JSON download and the datastore API
    (Python's `True` is neither)."""
    if isinstance(value, str):
        return text_cell(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return plain_float(value)
    return value


def plain_float(value: float) -> str:
    """The shortest text that reads back as the same float, without an exponent (0.0000001,
    not 1e-07), as people and spreadsheets write numbers."""
    text = format(decimal.Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _rows(release: Release, fields):
    names = ", ".join(quote(f.name) for f in fields)
    sql = f'SELECT {names} FROM {quote(release.table_name)} ORDER BY "_id"'  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while batch := cursor.fetchmany(CHUNK):
            for row in batch:
                yield [to_python(f.type, v) for f, v in zip(fields, row, strict=True)]


class _Echo:
    def write(self, value):
        return value


def download(release: Release, fmt: str):
    fields = list(release.dataset.fields.all())
    names = [f.name for f in fields]
    filename = f"{release.dataset.slug}-{release.period_label}-v{release.version}.{fmt}"
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff" + writer.writerow(names)
            for row in _rows(release, fields):
                yield writer.writerow([safe_cell(v) for v in row])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    elif fmt == "json":

        def chunks():
            yield "["
            for i, row in enumerate(_rows(release, fields)):
                yield ("," if i else "") + json.dumps(dict(zip(names, row, strict=True)))
            yield "]"

        response = StreamingHttpResponse(chunks(), content_type="application/json")
    else:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        book = Workbook(write_only=True)
        sheet = book.create_sheet("data")
        sheet.append(names)
        dates = [f.type == "date" for f in fields]
        for row in _rows(release, fields):
            cells = []
            for value, is_date in zip(row, dates, strict=True):
                if is_date and value is not None:
                    # A date cell (sorts and filters as a date), shown as written.
                    cell = WriteOnlyCell(sheet, value=datetime.date.fromisoformat(value))
                    cell.number_format = "yyyy-mm-dd"
                else:
                    cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str) and not is_date:
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                cells.append(cell)
            sheet.append(cells)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
