"""Verification reports as CSV or XLSX, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from satudata.core.spreadsheet import text_cell
from satudata.quality.services.verify import result_label


def safe(value) -> str:
    """A cell that a spreadsheet shows as text, never runs as a formula."""
    return text_cell("" if value is None else str(value))


def _rows(beneficiaries):
    # The same columns as the report on screen (list.html) and the API's rows.
    yield [
        _("row"),
        "NIK",
        _("name"),
        _("No. KK"),
        _("program"),
        _("result"),
        _("detail"),
        _("also in"),
    ]
    for b in beneficiaries:
        yield [
            str(b.row),
            safe(b.nik),
            safe(b.name),
            safe(b.family_number),
            safe(b.program),
            result_label(b.result),
            safe(b.detail),
            safe(b.other_programs),
        ]


def as_csv(beneficiaries) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in _rows(beneficiaries):
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(beneficiaries) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("verification"))
    for row in _rows(beneficiaries):
        # Strings are written as text cells: openpyxl stores "=…" as a formula otherwise.
        sheet.append([_text_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text_cell(sheet, value: str):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell
