"""Export residents of a village or RT to CSV/XLSX, in OpenSID's import format or ours.

Rows stream from the database in id order (iterator with chunked fetches), so a large
export never holds all residents in memory; the file can be imported again unchanged.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from satudata.accounts.scope import read_scope
from satudata.audit import services as audit
from satudata.audit.models import AuditEntry
from satudata.core.spreadsheet import text_cell
from satudata.regions.models import LocalUnit, Region
from satudata.registry.import_format import OPENSID, OWN
from satudata.registry.units import units_inside

OPENSID_HEADER = [
    "alamat",
    "dusun",
    "rw",
    "rt",
    "nama",
    "no_kk",
    "nik",
    "sex",
    "tempatlahir",
    "tanggallahir",
    "agama_id",
    "pendidikan_kk_id",
    "pendidikan_sedang_id",
    "pekerjaan_id",
    "status_kawin",
    "kk_level",
    "warganegara_id",
    "nama_ayah",
    "nama_ibu",
    "golongan_darah_id",
    "status_dasar",
    "kode_desa",
]
# The export adds cacat_id, which OpenSID's import reads (import_format.OPENSID) but its
# template lacks: without it a re-import of an export erased every resident's disability.
# Last, so the template's columns keep their places.
OPENSID_EXPORT = [*OPENSID_HEADER, "cacat_id"]
REPLACEMENT = "\ufffd"  # a control character in an XLSX cell, which XML cannot hold
FORMATS = {"opensid": OPENSID_EXPORT, "satudata": OWN}
log = logging.getLogger("satudata.registry")


def residents_to_export(
    actor, village: Region, unit_id: str = "", *, fmt: str = "opensid", file_type: str = "csv"
) -> tuple[QuerySet, str]:
    """The residents of the village (or of one unit and the units inside it) that `actor`
    may read (None: the command line without --user, which reads everything), and the
    unit's path label ("Dusun 1 / RW 002 / RT 003"; "" for the whole village). The caller
    has checked the village against the actor's scope. Each export is logged and kept in
    the change history (action "exported", on the village) with the account, the area, the
    format and the number of residents, never a resident's data: who took personal data
    out of the registry stays traceable, from the custodian's history page too."""
    from satudata.registry.models import Resident

    residents = Resident.objects.visible_to(actor) if actor is not None else Resident.objects
    residents = residents.filter(village=village)
    area = ""
    if unit_id:
        area, units = units_inside(village, unit_id)  # NoSuchUnit for another village's
        residents = residents.filter(unit_id__in=units)
    log.info(
        "residents exported: village %s, unit %s, by %s",
        village.code,
        unit_id or "-",
        actor.get_username() if actor is not None else "command line",
    )
    details = {"area": area, "format": fmt, "file": file_type, "residents": residents.count()}
    audit.record(actor, AuditEntry.Action.EXPORT, village, after=details, region_code=village.code)
    return residents, area


def _unit_paths(village_codes: set[str]) -> dict[int, tuple[str, str, str]]:
    """unit id -> (hamlet, rw, rt) for every unit of these villages, in one query."""
    units = {
        u.pk: u
        for u in LocalUnit.all_objects.filter(village_id__in=village_codes).only(
            "id", "parent_id", "level", "name"
        )
    }
    paths = {}
    for pk, unit in units.items():
        names = {"hamlet": "", "rw": "", "rt": ""}
        node = unit
        while node is not None:
            names[node.level] = node.name
            node = units.get(node.parent_id)
        paths[pk] = (names["hamlet"], names["rw"], names["rt"])
    return paths


def villages_to_export(user) -> list[Region]:
    """The villages whose residents the account may export, for the export page: its own,
    the villages of its district, or (custodian) every village that holds residents."""
    from satudata.registry.models import PopulationCell

    scope = read_scope(user)
    villages = Region.objects.filter(level=Region.Level.VILLAGE)
    if scope.everything:
        # The pyramid cells name every village with living residents: a small table,
        # where the region table holds all 84,000 villages of the country.
        held = PopulationCell.objects.values_list("village_id", flat=True).distinct()
        return list(villages.filter(code__in=held).order_by("code"))
    if not scope.code:
        return []
    return list(villages.filter(scope.q("code")).order_by("code"))


def rows(residents, fmt: str = "opensid") -> Iterator[list]:
    """Header first, then one list per resident in the chosen format."""
    header = FORMATS[fmt]
    yield header
    fields = [OPENSID.get(name, name) if fmt == "opensid" else name for name in header]
    residents = residents.select_related("family").order_by("id")
    villages = set(residents.values_list("village_id", flat=True).distinct())
    paths = _unit_paths(villages)
    for r in residents.iterator(chunk_size=2000):
        hamlet, rw, rt = paths.get(r.unit_id, ("", "", ""))
        values = {
            "address": r.family.address if r.family_id else "",
            "hamlet": hamlet,
            "rw": rw,
            "rt": rt,
            "family_number": r.family.family_number if r.family_id else "",
            "village_code": r.village_id,
            "birth_date": r.birth_date.isoformat(),
        }
        yield [
            values[f] if f in values else ("" if getattr(r, f) is None else getattr(r, f))
            for f in fields
        ]


def csv_chunks(lines: Iterable[list]) -> Iterator[str]:
    """CSV text in pieces, for a streaming HTTP response; UTF-8 with BOM for Excel. Text that
    a spreadsheet would run as a formula gets a leading apostrophe (`core.spreadsheet`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for index, line in enumerate(lines):
        writer.writerow([text_cell(v) for v in line])
        if index % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_bytes(lines: Iterable[list]) -> bytes:
    """An XLSX workbook of the rows (openpyxl write-only mode streams rows to a temp file)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("penduduk")

    def cell(value):
        # NIK and KK numbers stay text: Excel would round 16-digit numbers. A text cell is
        # never run as a formula, but openpyxl writes text starting with "=" as one unless
        # told it is text (kept as it is, so the file imports again unchanged).
        if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
            # XML 1.0 has no control characters ("Hasan\x0bBahri"): openpyxl refused the
            # cell and the whole export failed. Each is written as U+FFFD instead.
            value = ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, value)
        if isinstance(value, str) and value.startswith("="):
            text = WriteOnlyCell(sheet, value=value)
            text.data_type = "s"
            return text
        return value

    for line in lines:
        sheet.append([cell(v) for v in line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
