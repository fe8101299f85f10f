"""The resident import's file format: column names (OpenSID's and ours), the report, the
error file. Kept apart from the importer so the exporter and the views can use it."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from satudata.core.spreadsheet import text_cell
from satudata.registry.validation import OPTIONAL_CODES

# OpenSID's import columns -> our field names; our own format uses the field names directly.
OPENSID = {
    "alamat": "address",
    "dusun": "hamlet",
    "rw": "rw",
    "rt": "rt",
    "nama": "name",
    "no_kk": "family_number",
    "nik": "nik",
    "sex": "sex",
    "tempatlahir": "birth_place",
    "tanggallahir": "birth_date",
    "agama_id": "religion",
    "pendidikan_kk_id": "education_kk",
    "pendidikan_sedang_id": "education_current",
    "pekerjaan_id": "occupation",
    "status_kawin": "marital_status",
    "kk_level": "relationship",
    "warganegara_id": "citizenship",
    "nama_ayah": "father_name",
    "nama_ibu": "mother_name",
    "golongan_darah_id": "blood_type",
    "status_dasar": "status",
    "cacat_id": "disability",
    "kode_desa": "village_code",
}
OWN = (
    "village_code family_number address hamlet rw rt nik name sex birth_place birth_date "
    "religion education_kk education_current occupation marital_status relationship "
    "citizenship blood_type disability father_name mother_name status"
).split()
OPENSID_NAME = {ours: theirs for theirs, ours in OPENSID.items()}
TEXT_FIELDS = ("name", "birth_place", "father_name", "mother_name", "address", "hamlet")
# What Excel shows in a cell whose formula failed (a VLOOKUP that found nothing: "#N/A"). An
# XLSX keeps it as an error cell, which openpyxl reads as this text, and a CSV saved from
# Excel writes the text: stored, it replaced a resident's name (QA).
EXCEL_ERRORS = frozenset(
    "#NULL! #DIV/0! #VALUE! #REF! #NAME? #NUM! #N/A #GETTING_DATA #SPILL! #CALC! #FIELD! "
    "#BLOCKED! #CONNECT! #BUSY! #UNKNOWN!".split()
)
REQUIRED = ("nik", "name", "sex", "birth_date", "family_number")
# The optional code-list columns, defined once with the rules that check them.
CODE_FIELDS = OPTIONAL_CODES
SEX_WORDS = {"1": 1, "2": 2, "l": 1, "p": 2, "laki-laki": 1, "perempuan": 2}
# Resident columns written as the row gives them (after name and name_key).
VALUE_COLUMNS = (
    "sex birth_place birth_date religion education_kk education_current occupation "
    "marital_status relationship citizenship blood_type disability father_name mother_name "
    "status"
).split()


@dataclass
class Report:
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0  # already stored with the same values: left as they were
    families_updated: int = 0  # stored cards given another RT or address by the file
    rejected: int = 0
    committed: bool = False
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    error_path: str = ""
    sample: list[str] = field(default_factory=list)  # the first errors, for the CLI and UI


class ErrorFile:
    """row, column, value, message — sorted by row, then by the column's place in the file.

    The importer finds a chunk's errors in two passes (the row checks, then the database
    rules), so they are kept per chunk and written sorted at `flush()`; chunks come in file
    order, so the whole file is sorted, and never more than a chunk's errors are in memory."""

    def __init__(self, path: Path):
        self.path = path
        self.handle = path.open("w", encoding="utf-8-sig", newline="")
        self.sample: list[str] = []
        self.order: dict[str, int] = {}  # column name -> its place in the file's header
        self.pending: list[tuple[int, str, object, str]] = []
        self.writer = csv.writer(self.handle)
        self.writer.writerow([_("row"), _("column"), _("value"), _("message")])

    def add(self, row: int, column: str, value, message: str) -> None:
        self.pending.append((row, column, value, message))

    def flush(self) -> None:
        last = len(self.order)
        self.pending.sort(key=lambda error: (error[0], self.order.get(error[1], last), error[1]))
        for row, column, value, message in self.pending:
            # The value as the file held it, never run as a formula when opened.
            self.writer.writerow([row, column, text_cell(value), message])
            if len(self.sample) < 20 and not column:  # the whole row (its width)
                self.sample.append(_("Row %(row)d: %(message)s") % {"row": row, "message": message})
            elif len(self.sample) < 20:
                self.sample.append(
                    _("Row %(row)d, column %(column)s: %(message)s")
                    % {"row": row, "column": column, "message": message}
                )
        self.pending = []

    def close(self) -> None:
        self.flush()
        self.handle.close()


def columns_of(header: list[str]) -> tuple[dict[str, int], list[str], list[str]]:
    """Field -> column index, the names of columns we ignore, and the names of columns that
    give a field a second time (`nama` twice, or `nama` and `name`): which of two names to
    keep is not ours to guess, so such a file is refused."""
    positions, ignored, repeated = {}, [], []
    for index, name in enumerate(header):
        target = OPENSID.get(name) or (name if name in OWN else None)
        if target is None:
            if name:
                ignored.append(name)
            continue
        if target in positions:
            repeated.append(name)
            continue
        positions[target] = index
    return positions, ignored, repeated


def row_value(row: list, positions: dict[str, int], name: str):
    field_name = "village_code" if name == "village" else name
    index = positions.get(field_name)
    return row[index] if index is not None and index < len(row) else ""


def max_bytes() -> int:
    from django.conf import settings

    return int(getattr(settings, "SATUDATA_IMPORT_MAX_MB", 150)) * 2**20


def too_large(size: int) -> str:
    """The refusal of a file of `size` bytes over max_bytes(). The size is rounded up to a
    tenth of a MB, so it always reads above the limit ("1,6 MB" against "1 MB"; rounded
    down, a 1.53 MB file was "1 MB; the largest accepted is 1 MB")."""
    tenths = -(-size * 10 // 2**20)
    limit = max_bytes() / 2**20
    return _("The file is %(size)s MB; the largest file accepted is %(max)s MB.") % {
        "size": number_format(Decimal(tenths) / 10, 1),
        "max": number_format(limit if limit % 1 else int(limit)),
    }
