"""Import residents from OpenSID-format or our own CSV/XLSX files, streaming, in bulk.

One pass over the file in chunks of 20,000 rows. A chunk's rows are checked as polars columns
(`fastparse`); rows that fail the fast check get the per-row parse and their messages from
`validation.check_resident`. Valid rows stay one frame: the chunk's NIKs and KK numbers are
looked up in one query each and joined in, units and new families are created (`placement`),
and the residents are written from the frame on a second thread while the next chunk is
parsed (`writer`: executemany on SQLite, COPY on PostgreSQL; updates through `sqlload`).
All inside one transaction: in all-or-nothing mode (default) any rejected row rolls
everything back; a dry run always rolls back. One audit entry per import, plus one per
resident the file changes (its fields before and after), none per resident added.
The file's columns, the report and the error file are in `import_format`.
"""

from __future__ import annotations

import datetime
import getpass
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.accounts.scope import write_scope
from satudata.audit import services as audit
from satudata.audit.models import AuditEntry
from satudata.core.spreadsheet import read_text_cell
from satudata.core.sqlite import page_cache
from satudata.regions.models import Region
from satudata.regions.services import served
from satudata.registry import bulkindex, cells, codes, sqlload, statistics
from satudata.registry.bulkindex import DeferredIndexes
from satudata.registry.fastparse import SCHEMA, fast_rows, frame_of, name_key, raw_frame
from satudata.registry.import_format import (
    CODE_FIELDS,
    EXCEL_ERRORS,
    OPENSID_NAME,
    OWN,
    REQUIRED,
    SEX_WORDS,
    TEXT_FIELDS,
    VALUE_COLUMNS,
    ErrorFile,
    Report,
    columns_of,
    max_bytes,
    row_value,
    too_large,
)
from satudata.registry.import_heads import ALIVE, keep_one_head
from satudata.registry.models import ImportJob, NikConflict
from satudata.registry.placement import ChangedMeanwhile, Placement
from satudata.registry.readers import ROW_BYTES, FileProblem, open_source
from satudata.registry.validation import (
    EXCEL_EPOCH,
    TEXT_LIMITS,
    check_resident,
    district_digits,
    earliest_birth,
    kk_problem,
    named,
    outside_message,
    parse_date,
    place_problems,
    temporary_nik_problem,
    tidy_text,
)
from satudata.registry.writer import IdBlock, Writer

# Texts a Windows-1252 CSV may hold with "?" for letters it lacks (Importer._refuse_question_marks).
QUESTION_MARKED = ("name", "birth_place", "father_name", "mother_name", "address")
# Optional resident columns, in the order of our format: absent ones are named in a warning.
OPTIONAL = [f for f in OWN if f not in REQUIRED and f != "village_code"]
# What a re-import compares with the stored resident: when every one is equal, the row is
# counted as unchanged and the resident left as it is (no new version, which would make
# an operator's open edit form stale, and no new updated_at).
COMPARED = ("name", *VALUE_COLUMNS, "unit_id", "family_id")
CHUNK = 20_000  # rows; polars' fixed cost per call made 5,000-row chunks ~25 % slower
MONTHS = range(1, 13)
LOOKUP = 5000  # parameters per IN (...) query, at most (SQLite < 3.32 allows only 999)
INTS = {str(i): i for i in range(100)}
DAY_FIRST = re.compile(r"([0-9]{1,2})([/-])([0-9]{1,2})\2([0-9]{4})")  # 7/5/1990, 07-05-1990
# A number written as text is an Excel serial only with 5 digits (19-05-1927 on), up to
# today: "1905" is a year, not 19-03-1905.
SERIAL_TEXT = re.compile(r"[0-9]{5}(\.[0-9]+)?")


class Importer(Placement):
    """One import run; see the module docstring for the flow."""

    def __init__(
        self,
        path: Path,
        *,
        actor=None,
        village: str | None = None,
        mode: str = ImportJob.Mode.ALL_OR_NOTHING,
        dry_run: bool = False,
        error_path: Path | None = None,
        progress: Callable[[int, int, int], None] | None = None,
        file_name: str | None = None,
        job: ImportJob | None = None,
    ):
        self.path = Path(path)
        self.actor = actor
        if village and "." not in village and len(village) == 10:  # 6201022016, as kode_desa
            village = f"{village[:2]}.{village[2:4]}.{village[4:6]}.{village[6:]}"
        self.village = village
        self.mode = mode
        self.dry_run = dry_run
        self.error_path = error_path or self.path.with_name(self.path.name + ".errors.csv")
        self.progress = progress or (lambda done, total, rows: None)
        self.file_name = file_name or self.path.name
        self.job = job
        self.report = Report(error_path=str(self.error_path))
        self.scope = write_scope(actor) if actor is not None else None
        self.villages = set(
            Region.objects.filter(level=Region.Level.VILLAGE).values_list("code", flat=True)
        )
        self.districts = district_digits()
        self.seen: set[str] = set()
        self.heads: dict[str, int] = {}  # KK number -> the row of its living head in the file
        self.demoted: set[str] = set()  # NIKs of stored heads the file makes members
        self.touched: set[str] = set()  # villages whose pyramid cells need a refresh
        # Pyramid counts of inserted rows (None once a row updated an existing resident).
        self.cell_counts: list[pl.DataFrame] | None = []
        self.families: dict[str, tuple[int, str]] = {}  # KK -> (id, village)
        self.family_places: dict[str, tuple] = {}  # stored KK -> (unit id, address)
        self.new_cards: set[str] = set()  # KK numbers the import creates
        self.card_units: dict[str, int | None] = {}  # their RTs (from their first rows)
        self.family_versions: dict[str, int] = {}  # stored cards' versions, as read
        self.headed_cards: set[int] = set()  # stored cards the file gives a living head
        self.members_elsewhere = 0  # rows placing a member in another RT than the card's
        self.members_elsewhere_lines: list[int] = []
        self.placed_cards: set[str] = set()  # stored cards placed by their head's row
        self.units: dict[tuple, int | None] = {}
        self.unit_ids: dict[tuple, int] = {}
        self.units_loaded: set[str] = set()
        self.dates: dict[str, datetime.date | None] = {}
        self.today = datetime.date.today()
        self.epoch = EXCEL_EPOCH  # the file's serial system: `_run` takes the source's
        self.earliest = earliest_birth(self.today)
        # Text both databases read as the timestamp (it goes into COPY's CSV on PostgreSQL).
        self.fresh = False
        self.own_ids = False  # fresh, and new families and units numbered here (IdBlock)
        # Fresh imports: units and families queued for the writer with the chunk's residents.
        self.pending: list[tuple[str, pl.DataFrame, dict]] = []
        self.now = str(connection.ops.adapt_datetimefield_value(timezone.now()))
        self.constants = self._constants()
        self.undecided = False  # whether to set the indexes aside is left to the first chunk

    # -- the run --------------------------------------------------------------------------

    def run(self) -> Report:
        limit = max_bytes()
        if self.path.exists() and self.path.stat().st_size > limit:
            return self._fatal(too_large(self.path.stat().st_size))
        if not self.villages:
            # Every row would be refused for its village and its NIK's district: one
            # sentence saying what the installation lacks is more use.
            return self._fatal(
                _("The official region codes are not loaded yet; run: satudata loadregions")
            )
        if self.village and self.village not in self.villages:
            return self._fatal(_("No village has the code %(code)s.") % {"code": self.village})
        if self.village and self.scope is not None and not self.scope.allows(self.village):
            raise PermissionDenied(_("You may not change the residents of this village."))
        try:
            source = open_source(self.path)
        except FileProblem as exc:
            return self._fatal(str(exc))
        try:
            errors = ErrorFile(self.error_path)
        except OSError as exc:
            source.close()
            return self._fatal(
                _("The error file %(path)s cannot be written (%(error)s); choose another place.")
                % {"path": self.error_path, "error": exc.strerror or exc}
            )
        self.errors = errors
        try:
            # 160 MB page cache while importing: index inserts stop re-reading pages.
            with page_cache(160), transaction.atomic():
                deferred = self.deferred = DeferredIndexes()
                # A file as large as the registry: its indexes are set aside now when the
                # tables are empty, else after the first chunk, and only if most of its rows
                # will be written (an unchanged re-import writes nothing, and on PostgreSQL
                # the tables would be held for nothing until commit).
                self.undecided = bulkindex.worth_deferring(source.size)
                if self.undecided and bulkindex.empty():
                    self.undecided = False
                    self._set_indexes_aside()
                self.fresh = deferred.fresh
                if self.fresh and connection.vendor == "sqlite":
                    # No index is maintained while loading empty tables, so a big page
                    # cache would only hold written pages (~25 MB per 100k residents).
                    with connection.cursor() as cursor:
                        cursor.execute("PRAGMA cache_size = -32768")
                self.writer = Writer()
                self.own_ids = self.fresh and self._number_new_rows()
                try:
                    self._run(source)
                except BaseException:
                    self.writer.abandon()  # the batch in flight ends before the rollback
                    raise
                self.writer.wait()
                headless = sorted(self.new_cards - self.heads.keys())
                if headless:
                    # Allowed (a card whose head died waits for a change of head), but
                    # usually a kk_level left out of the file: said, not refused.
                    self.report.warnings.append(
                        _(
                            "New family cards without a living head of family (kk_level 1) "
                            "in the file: %(n)d (%(first)s). Choose each one's head on the "
                            "family's page."
                        )
                        % {"n": len(headless), "first": ", ".join(headless[:5])}
                    )
                if self.members_elsewhere:
                    self.report.warnings.append(
                        _(
                            "Residents placed in another RT than their family card's: %(n)d "
                            "(rows %(first)s). A card's members live in its RT; correct them "
                            "on the resident's page."
                        )
                        % {
                            "n": self.members_elsewhere,
                            "first": ", ".join(map(str, self.members_elsewhere_lines)),
                        }
                    )
                if self.report.families_updated:
                    self.report.warnings.append(
                        _("Family cards whose RT or address the file changes: %(n)d.")
                        % {"n": self.report.families_updated}
                    )
                if self.own_ids:
                    self.family_ids.close()
                    self.unit_id_block.close()
                failed = self.report.rejected and self.mode == ImportJob.Mode.ALL_OR_NOTHING
                if self.report.message or failed or self.dry_run:
                    # Rolling back also restores any index set aside (DDL is transactional).
                    transaction.set_rollback(True)
                else:
                    self._refuse_heads_given_meanwhile()
                    deferred.rebuild()
                    self.report.committed = True
                    self._audit()
                    if self.cell_counts is None:
                        cells.refresh(self.touched)
                    elif self.cell_counts:
                        counts = _sum_cells(self.cell_counts)
                        cells.add(
                            counts.select(
                                pl.col("village").alias("village_id"),
                                "sex",
                                "birth_year",
                                *(f"m{m}" for m in MONTHS),
                            )
                        )
                    statistics.changed()
        except FileProblem as exc:
            self.report.message = str(exc)
            self.report.committed = False
        except ChangedMeanwhile:
            self.report.message = _(
                "Another user changed residents of this file while it was being imported; "
                "nothing was saved, so that no change is undone unseen. Import the file again."
            )
            self.report.committed = False
        except IntegrityError as exc:
            # The lookups found a NIK or KK number free, and another session registered it
            # before this import wrote it (or before its unique index was rebuilt).
            if not _taken_meanwhile(exc):
                raise
            self.report.message = _(
                "Another user registered a NIK or KK number of this file while it was being "
                "imported; nothing was saved. Import the file again: those rows will then be "
                "reported."
            )
            self.report.committed = False
        finally:
            source.close()
            errors.close()
            self.report.sample = errors.sample
        if self.job is not None and not self.report.committed:
            self._audit_attempt()
        return self.report

    def _set_indexes_aside(self) -> None:
        """Drop the indexes (`bulkindex`); the constants become column defaults where the
        database allows (the writer then leaves them out of each row)."""
        self.deferred.drop()
        self.constants = {
            table: self.deferred.load_defaults(table, constants)
            for table, constants in self._constants().items()
        }

    def _constants(self) -> dict[str, dict]:
        """Columns of the same value in every new resident and family, by table."""
        stamps = {"created_at": self.now, "updated_at": self.now}
        return {
            "registry_resident": {
                "nik_is_temporary": False,
                "is_demo": False,
                **stamps,
                "version": 1,
            },
            "registry_family": {"is_demo": False, **stamps},
        }

    def _number_new_rows(self) -> bool:
        """Into empty tables: hand out family and unit ids here, so loading needs no query.
        False (create them with INSERT … RETURNING) when the units table is busy."""
        try:
            with transaction.atomic():
                self.family_ids = IdBlock("registry_family")
                self.unit_id_block = IdBlock("regions_localunit")
        except DatabaseError:
            return False
        self._load_all_units()
        return True

    def _fatal(self, message: str) -> Report:
        self.report.message = message
        return self.report

    def _run(self, source) -> None:
        if self.village and not served(self.village):
            # Said once for the file, before any row (each would be refused the same way).
            self.report.message = outside_message(self.village)
            return
        positions, ignored, repeated = columns_of(source.header)
        if not any(source.header):
            self.report.message = _("The file is empty: it has no header row.")
            return
        if repeated:
            self.report.message = _(
                "The header names a column more than once: %(names)s. Keep one column for "
                "each field and import again."
            ) % {"names": ", ".join(dict.fromkeys(repeated))}
            return
        if ignored:
            self.report.warnings.append(
                _("Columns ignored (not in the import format): %(names)s.")
                % {"names": ", ".join(ignored)}
            )
        missing = [f for f in REQUIRED if f not in positions]
        if not self.village and "village_code" not in positions:
            # OpenSID's own export has no kode_desa: an operator of one village imports
            # into that village, as the web form does.
            own = self.scope.village if self.scope is not None else None
            if own:
                self.village = own
            else:
                missing.append("village_code")
        if missing:
            wanted = OPENSID_NAME
            self.report.message = _(
                "The file lacks required columns: %(names)s. Its first row must hold the "
                "column titles of OpenSID's import format (nama, nik, no_kk, sex, "
                "tanggallahir, …) or of Satu Data's own format."
            ) % {"names": ", ".join(f"{wanted.get(f, f)} ({f})" for f in missing)}
            return
        self.positions = positions
        # Resident fields the file has no column for: an update keeps what is stored.
        self.absent = [c for c in VALUE_COLUMNS if c not in positions]
        self.absent_names = [
            OPENSID_NAME.get(c, c) if "nama" in source.header else c
            for c in OPTIONAL
            if c not in positions
        ]
        self.errors.order = {name: index for index, name in enumerate(source.header)}
        self.xlsx = not hasattr(source, "reader")
        self.epoch = source.epoch
        self.positions_header = set(source.header)
        self.code_fields = [f for f in CODE_FIELDS if f in positions]
        self.text_fields = [f for f in TEXT_FIELDS if f in positions]
        self.number_fields = [
            f for f in ("nik", "family_number", "rw", "rt", "village_code", "sex") if f in positions
        ]
        width = len(source.header)
        blocks = None if self.xlsx else source.blocks(width, CHUNK * ROW_BYTES)
        if blocks is not None:
            for first, raw, rows in blocks:
                if raw is None:
                    self._rows_chunk(list(enumerate(rows, first)), width)
                else:
                    # Blank records (every field empty) are skipped, as below. Nearly
                    # every row has a NIK: only a chunk with a row without one needs the
                    # test of every column (which costs about 5% of an import).
                    lines = pl.int_range(first, first + raw.height, eager=True)
                    kept = raw.with_columns(_line=lines)
                    nik = raw.columns[positions["nik"]] if "nik" in positions else None
                    if nik is None or not raw[nik].str.contains(r"\S").all():
                        filled = pl.any_horizontal(pl.col(raw.columns).str.contains(r"\S"))
                        kept = kept.filter(filled)
                    if kept.height:
                        self._chunk((kept["_line"].to_list(), kept.drop("_line"), None))
                self.progress(source.position(), source.size, self.report.rows)
        else:
            chunk: list[tuple[int, list]] = []
            for line, row in enumerate(source.rows(), 2):
                chunk.append((line, row))
                if len(chunk) >= CHUNK:
                    self._rows_chunk(chunk, width)
                    chunk = []
                    self.progress(source.position(), source.size, self.report.rows)
            self._rows_chunk(chunk, width)
        self.progress(source.size, source.size, self.report.rows)
        if self.report.rows == 0:
            # A valid header alone is a file of 0 rows, not a failed one: the export of a
            # village without residents must import again (QA). Said, as it may be a
            # mistake; a file without even a header is still refused (above, and
            # `open_source`).
            self.report.warnings.append(
                _("The file has a header but no data rows: nothing was added or changed.")
            )
        if self.absent_names and (self.report.updated or self.report.unchanged):
            self.report.warnings.append(
                _("Columns not in the file do not change stored data: %(names)s.")
                % {"names": ", ".join(self.absent_names)}
            )
        ignored_sheets = getattr(source, "ignored_sheets", [])
        if ignored_sheets:
            self.report.warnings.append(
                _("Sheets not imported: %(names)s.") % {"names": ", ".join(ignored_sheets)}
            )

    # -- one chunk ------------------------------------------------------------------------

    def _reject(self, line: int, column: str, value, message: str) -> None:
        self.report.rejected += 1
        self.errors.add(line, column, value, message)

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

    def _refuse_heads_given_meanwhile(self) -> None:
        """The head checks judged the cards as read; on PostgreSQL another user may have
        given one of them a head since (QA: two living heads). The cards the file gives a
        head are locked (FOR NO KEY UPDATE, as the forms lock a card they give a head) and
        counted again: a second living head makes the import save nothing. Not needed when
        the indexes were set aside (the tables were held against every writer) nor on
        SQLite (one writer)."""
        held = bool(self.deferred.saved)  # indexes set aside: the tables were held
        if connection.vendor != "postgresql" or not self.headed_cards or held:
            return
        cards = sorted(self.headed_cards)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM registry_family WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE",
                [cards],
            )
            cursor.execute(
                "SELECT family_id FROM registry_resident WHERE family_id = ANY(%s) "
                "AND relationship = %s AND status = %s AND deleted_at IS NULL "
                "GROUP BY family_id HAVING COUNT(*) > 1 LIMIT 1",
                [cards, codes.HEAD, ALIVE],
            )
            if cursor.fetchone():
                raise ChangedMeanwhile

    def _own_village(self) -> str | None:
        """The village of an operator's import: a row's blank kode_desa means that one, as a
        file without the column does (it said "no village has the code None")."""
        return self.scope.village if self.scope is not None else None

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

    def _chunk(self, chunk: tuple[list[int], pl.DataFrame | None, list[list] | None]) -> None:
        """One chunk: its line numbers, its fields as text columns c0… (CSV), and its rows
        as lists (when read row by row). Its errors are written sorted by row at the end."""
        try:
            self._load_chunk(chunk)
        finally:
            self.errors.flush()

    def _load_chunk(self, chunk: tuple[list[int], pl.DataFrame | None, list[list] | None]):
        self.report.rows += len(chunk[0])
        frame = self._parsed(*chunk)
        if frame.height == 0:
            return
        if not self.own_ids:
            # The previous chunk's rows are written (the connection is free for lookups and
            # inserts); an import numbering its own rows needs no query while loading.
            self.writer.wait()
        accepted, held = self._accept(frame)
        writing = not self.dry_run and not (
            self.report.rejected and self.mode == ImportJob.Mode.ALL_OR_NOTHING
        )
        if accepted.height == 0:
            return
        self.touched.update(accepted["village"].unique().to_list())
        self.touched.update(held)
        accepted = self._with_units(accepted)
        accepted = self._with_families(accepted, writing)
        self._update_family_places(accepted, writing)
        self._note_members_elsewhere(accepted)
        living_head = (pl.col("relationship") == codes.HEAD) & (pl.col("status") == ALIVE)
        heads = accepted.filter(living_head)
        self.headed_cards.update(heads["family_id"].drop_nulls().to_list())
        inserts = accepted.filter(pl.col("held_id").is_null())
        updates = self._keep_stored_units(accepted.filter(pl.col("held_id").is_not_null()))
        same = pl.all_horizontal(pl.col(c).eq_missing(pl.col(f"old_{c}")) for c in COMPARED)
        self.report.unchanged += updates.filter(same).height
        updates = updates.filter(~same)
        self.report.added += inserts.height
        self.report.updated += updates.height
        if not writing:
            self.pending = []  # the import rolls back: units queued for it need no writing
            return
        if self.undecided:  # the first chunk written decides (see `run`)
            self.undecided = False
            if 2 * (inserts.height + updates.height) >= accepted.height:
                self._set_indexes_aside()
        self._count_cells(inserts, updates)
        now = pl.lit(self.now, pl.Utf8)
        values = [
            pl.col("name"),
            name_key(pl.col("name")).alias("name_key"),
            *(pl.col(c) for c in VALUE_COLUMNS),
            pl.col("unit_id"),
            pl.col("family_id"),
        ]
        written = sqlload.update_by_id(
            "registry_resident",
            updates.select(
                pl.col("held_id").alias("id"), *values, now.alias("updated_at"), "old_version"
            ),
            bump="version",
            guard="old_version",
        )
        if written != updates.height:
            # Someone saved one of these residents (a death, an edit) after this import
            # read it: writing the file's row would undo that change unseen (QA, PostgreSQL).
            raise ChangedMeanwhile
        self._audit_updates(updates)
        # Written while the next chunk is parsed.
        constants = self.constants["registry_resident"]
        columns = ["nik", *values, pl.col("village").alias("village_id")]
        table = "registry_resident"
        if inserts["nik_is_temporary"].any():  # rare: their flag goes with each row
            temporary = pl.col("nik_is_temporary")
            flagged = {k: v for k, v in constants.items() if k != "nik_is_temporary"}
            residents = [
                (table, inserts.filter(~temporary).select(columns), constants),
                (table, inserts.filter(temporary).select(*columns, temporary), flagged),
            ]
        else:
            residents = [(table, inserts.select(columns), constants)]
        self.writer.submit([*self.pending, *residents])
        self.pending = []

    def _audit_updates(self, updates: pl.DataFrame) -> None:
        """Each resident the file changes gets its audit entry with the fields' values
        before and after, as an edit on the form does: a re-import must not erase what the
        record held. (A new resident is in the import's own entry.)"""
        if updates.height == 0:
            return
        columns = ["held_id", "village", *COMPARED, *(f"old_{c}" for c in COMPARED)]
        entries = []
        for row in updates.select(columns).iter_rows(named=True):
            changed = [c for c in COMPARED if row[c] != row[f"old_{c}"]]
            entries.append(
                audit.unsaved_entry(
                    self.actor,
                    AuditEntry.Action.UPDATE,
                    "registry.resident",
                    row["held_id"],
                    row["name"],
                    row["village"],
                    before={c: _json_value(row[f"old_{c}"]) for c in changed},
                    after={c: _json_value(row[c]) for c in changed},
                )
            )
        AuditEntry.objects.bulk_create(entries, batch_size=2000)

    def _count_cells(self, inserts: pl.DataFrame, updates: pl.DataFrame) -> None:
        """Pyramid counts of the living residents inserted, while no row was an update."""
        if updates.height:
            self.cell_counts = None  # updates change old rows: recount the villages
        if self.cell_counts is None:
            return
        birth = pl.col("birth_date")
        counts = (
            inserts.filter(pl.col("status") == 1)
            .group_by("village", "sex", birth.dt.year().cast(pl.Int64).alias("birth_year"))
            .agg(*((birth.dt.month() == m).sum().cast(pl.Int64).alias(f"m{m}") for m in MONTHS))
        )
        self.cell_counts.append(counts)
        if len(self.cell_counts) >= 20:  # a running total: ~20k cells for a regency
            self.cell_counts = [_sum_cells(self.cell_counts)]

    def _parsed(self, lines: list[int], raw: pl.DataFrame | None, rows: list[list] | None):
        """The chunk's valid rows as one frame in file order; the others are rejected.

        Rows the vectorised checks accept stay columns. A NIK seen before, or twice in the
        chunk (counting the rows left to the per-row parse by their raw NIK), sends every
        row with it to the per-row parse, which runs in file order: so "appears more than
        once" blames the same rows as a parse of every row one by one would."""
        fast = None if raw is None else fast_rows(self, raw)
        if fast is None:
            fast = pl.DataFrame(schema={"_i": pl.Int64, **SCHEMA})
        if rows is None:  # read as columns: a row as a list only for the per-row parse
            assert raw is not None
            rows = _RowsOf(raw)
        fast_index = fast["_i"].to_list()
        niks = fast["nik"].to_list()
        is_fast = [False] * len(lines)
        for index in fast_index:
            is_fast[index] = True
        at = self.positions["nik"]
        count = Counter(niks)
        slow_niks = (str(rows[i][at]).strip() for i, quick in enumerate(is_fast) if not quick)
        count.update(slow_niks)
        if len(count) == len(lines) and self.seen.isdisjoint(niks):
            keep = [True] * len(niks)  # every NIK once, none seen before: the usual chunk
        else:
            keep = [count[nik] == 1 and nik not in self.seen for nik in niks]
        for index, kept in zip(fast_index, keep, strict=True):
            if not kept:
                is_fast[index] = False
        self.seen.update(nik for nik, kept in zip(niks, keep, strict=True) if kept)
        slow = []
        for index, (line, quick) in enumerate(zip(lines, is_fast, strict=True)):
            if not quick:
                data = self._parse(line, rows[index])
                if data is not None:
                    data["_line"] = line
                    slow.append(data)
        numbers = pl.Series("_line", lines, dtype=pl.Int64)
        fast = fast.filter(pl.Series(keep, dtype=pl.Boolean)).with_columns(
            _line=numbers.gather(fast["_i"].filter(pl.Series(keep, dtype=pl.Boolean)))
        )
        frame = fast.select(list(SCHEMA))
        if slow:
            frame = pl.concat([frame, frame_of(slow)]).sort("_line")
        return frame

    def _accept(self, frame: pl.DataFrame) -> tuple[pl.DataFrame, set[str]]:
        """Rows that pass the database rules (one NIK, one KK, in one village), with
        `held_id` for NIKs already in the database; the villages that held them."""
        held = self._held(frame["nik"].to_list())
        numbers = frame["family_number"].unique().to_list()
        self._load_families(set(numbers))
        known = pl.DataFrame(
            [(n, *self.families[n]) for n in numbers if n in self.families],
            schema={"family_number": pl.Utf8, "family_id": pl.Int64, "family_village": pl.Utf8},
            orient="row",
        )
        village = pl.col("village")
        conflict = pl.col("held_id").is_not_null() & (pl.col("held_village") != village)
        wrong_family = pl.col("family_id").is_not_null() & (pl.col("family_village") != village)
        new_family = pl.col("family_id").is_null()
        frame = (
            frame.join(held, on="nik", how="left")
            .join(known, on="family_number", how="left")
            .sort("_line")
            .with_columns(conflict.alias("_conflict"))
            .with_columns((~pl.col("_conflict") & wrong_family).alias("_wrong_family"))
        )
        if self.absent:
            # A column the file lacks erases nothing: a stored resident keeps its value
            # (a new one gets the default, as before).
            stored = pl.col("held_id").is_not_null() & ~pl.col("_conflict")
            frame = frame.with_columns(
                pl.when(stored).then(pl.col(f"old_{c}")).otherwise(pl.col(c)).alias(c)
                for c in self.absent
            )
        if not self.fresh:
            frame = self._refuse_question_marks(frame)
        # A blank KK number: only for a stored resident of the village who has no card (the
        # export of such a person re-imports); anyone else needs the card's number.
        cardless = pl.col("family_number") == ""
        stored_cardless = pl.col("held_id").is_not_null() & pl.col("old_family_id").is_null()
        frame = frame.with_columns(
            (cardless & ~pl.col("_conflict") & ~stored_cardless).alias("_no_card")
        )
        # A temporary NIK new to the registry carries its village's own code, as the forms
        # ask (`validation.temporary_nik_problem`): another village's would take a serial
        # from that village's numbering. One already stored is left as it is.
        own_code = pl.lit("0") + village.str.replace_all(".", "", literal=True)
        frame = frame.with_columns(
            (
                pl.col("nik_is_temporary")
                & pl.col("held_id").is_null()
                & (pl.col("nik").str.slice(0, 11) != own_code)
            ).alias("_foreign_temporary")
        )
        frame = self._with_former_temporary(frame)
        candidate = ~pl.col("_conflict") & ~pl.col("_wrong_family") & new_family & ~cardless
        # A KK number new to the database belongs to the village of its first row in the file.
        frame = frame.with_columns(
            (
                candidate & (village != village.filter(candidate).first().over("family_number"))
            ).alias("_two_villages")
        )
        # A person recorded as dead, moved out or missing is living here again only through
        # a correction with its reason, on the resident's page (or a move in), not a file.
        revived = pl.col("old_status").ne(ALIVE) & pl.col("status").ne(pl.col("old_status"))
        frame = frame.with_columns(
            (~pl.col("_conflict") & revived.fill_null(False)).alias("_revived")
        )
        bad = (
            pl.col("_conflict")
            | pl.col("_wrong_family")
            | pl.col("_two_villages")
            | pl.col("_revived")
            | pl.col("_no_card")
            | pl.col("_foreign_temporary")
            | pl.col("_former_temporary")
        )
        rejected = frame.filter(bad)
        if rejected.height:
            self._reject_rows(rejected)
        accepted = frame.filter(~bad)
        if accepted["family_number"].eq("").any():  # rare: residents without a card
            carded = keep_one_head(self, accepted.filter(~cardless))
            accepted = pl.concat([carded, accepted.filter(cardless)]).sort("_line")
        else:
            accepted = keep_one_head(self, accepted)
        return accepted, set(accepted["held_village"].drop_nulls().unique().to_list())

    def _with_former_temporary(self, frame: pl.DataFrame) -> pl.DataFrame:
        """`_former_temporary`: rows whose NIK is a temporary one a real NIK replaced
        (`FormerTemporaryNik`). Its number is never given again (the forms refuse it), and
        the person it was given to is registered under the real NIK: such a row would
        register them a second time. Only the person holding it again (a correction undone
        on the form) may have a row with it. One query per chunk, for its temporary NIKs
        alone (none in most chunks: no query); `former_village` is that person's village."""
        temporary = [] if self.fresh else frame.filter(pl.col("nik_is_temporary"))["nik"]
        sql = (
            "SELECT f.nik, f.resident_id, r.village_id FROM registry_formertemporarynik f "
            "JOIN registry_resident r ON r.id = f.resident_id WHERE f.nik IN (%s)"
        )
        schema = {"nik": pl.Utf8, "former_id": pl.Int64, "former_village": pl.Utf8}
        found = self._lookup(sql, list(set(temporary)))
        if not found:  # the usual chunk: no join, and the rows keep their order
            return frame.with_columns(
                pl.lit(None, pl.Utf8).alias("former_village"),
                pl.lit(False).alias("_former_temporary"),
            )
        former = pl.DataFrame(found, schema=schema, orient="row")
        replaced = pl.col("former_id").is_not_null() & pl.col("held_id").ne_missing(
            pl.col("former_id")
        )
        return (
            frame.join(former, on="nik", how="left")
            .sort("_line")  # file order, which the checks after this one rely on
            .with_columns((replaced & ~pl.col("_conflict")).alias("_former_temporary"))
            .drop("former_id")
        )

    def _refuse_question_marks(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Rows that would change a stored text only by replacing letters with "?" are
        refused: Excel saving a CSV as Windows-1252 writes "?" for each letter that
        encoding lacks ("Nguyễn" becomes "Nguy?n"). Only rows holding a "?" are compared."""
        fields = [f for f in QUESTION_MARKED if f in self.positions]
        if not fields:
            return frame
        stored = pl.col("held_id").is_not_null() & ~pl.col("_conflict")
        has_mark = pl.any_horizontal(pl.col(f).str.contains("?", literal=True) for f in fields)
        suspects = frame.filter(stored & has_mark)
        if suspects.height == 0:
            return frame
        opensid = "nama" in self.positions_header
        refused = []
        for row in suspects.iter_rows(named=True):
            for field in fields:
                if field == "address":  # the card's address, when the card is stored
                    old = self.family_places.get(row["family_number"], (None, None))[1]
                else:
                    old = row[f"old_{field}"]
                if isinstance(old, str) and question_marked(row[field], old):
                    message = _(
                        "“%(value)s” looks like “%(stored)s” with letters replaced by “?” "
                        "(the file was saved in an encoding without those letters). Save it "
                        "as CSV UTF-8 and import again."
                    ) % {"value": row[field], "stored": old}
                    column = OPENSID_NAME.get(field, field) if opensid else field
                    self._reject(row["_line"], column, row[field], named(field, message))
                    refused.append(row["_line"])
                    break
        if not refused:
            return frame
        return frame.filter(~pl.col("_line").is_in(refused))

    def _reject_rows(self, rejected: pl.DataFrame) -> None:
        """Messages for rows the database rules refuse (few), and the conflicts to log."""
        conflicts = []
        kk_column = "no_kk" if "nama" in self.positions_header else "family_number"
        holders = (
            set(rejected["held_village"].drop_nulls())
            | set(rejected["family_village"].drop_nulls())
            | set(rejected["former_village"].drop_nulls())
        )
        # The message names the village as the form does, not only by its code.
        names = dict(Region.objects.filter(code__in=holders).values_list("code", "name"))
        for row in rejected.iter_rows(named=True):
            line, number = row["_line"], row["family_number"]
            if row["_conflict"]:
                code = row["held_village"]
                message = _(
                    "already registered in the village of %(village)s (%(code)s); "
                    "record a move in instead."
                ) % {"village": names.get(code, code), "code": code}
                self._reject(line, "nik", row["nik"], named("nik", message))
                conflicts.append((row["nik"], row["village"], row["held_village"]))
            elif row["_former_temporary"]:
                code = row["former_village"]
                message = _(
                    "was a temporary NIK, replaced by the real NIK of the person it was given "
                    "to, whose record is in the village of %(village)s (%(code)s); a temporary "
                    "NIK is never given twice. Import that person with the real NIK."
                ) % {"village": names.get(code, code), "code": code}
                self._reject(line, "nik", row["nik"], named("nik", message))
            elif row["_foreign_temporary"]:
                problem = temporary_nik_problem(row["nik"], row["village"])
                self._reject(line, "nik", row["nik"], named("nik", problem))
            elif row["_no_card"]:
                self._reject(line, kk_column, "", named("family_number", kk_problem("")))
            elif row["_revived"]:
                column = "status_dasar" if kk_column == "no_kk" else "status"
                message = _(
                    "the registry records this person as %(status)s; a status recorded by "
                    "mistake is corrected on the resident's page, with its reason."
                ) % {"status": codes.label("status", row["old_status"]).lower()}
                self._reject(line, column, row["status"], named("status", message))
            elif row["_wrong_family"]:
                code = row["family_village"]
                message = _("already registered in the village of %(village)s (%(code)s).") % {
                    "village": names.get(code, code),
                    "code": code,
                }
                self._reject(line, kk_column, number, named("family_number", message))
            else:
                message = _("is used for two villages in the file.")
                self._reject(line, kk_column, number, named("family_number", message))
        self._record_conflicts(conflicts)

    def _lookup(self, sql: str, keys: list[str]) -> list[tuple]:
        found = []
        if not keys:
            return found
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(*_any_of(sql, keys))
                return cursor.fetchall()
            step = min(LOOKUP, sqlload.sqlite_values_limit())
            for start in range(0, len(keys), step):
                part = keys[start : start + step]
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(sql % marks, part)
                found.extend(cursor.fetchall())
        return found

    def _held(self, niks: list[str]) -> pl.DataFrame:
        """The residents already holding these NIKs: `held_id`, `held_village`, and their
        COMPARED values as `old_<column>`."""
        columns = {
            "nik": pl.Utf8,
            "id": pl.Int64,
            "village_id": pl.Utf8,
            **{c: SCHEMA.get(c, pl.Int64) for c in COMPARED},
            "version": pl.Int64,
        }
        names = [
            "nik",
            "held_id",
            "held_village",
            *(f"old_{c}" for c in COMPARED),
            "old_version",
        ]
        if self.fresh:  # the table was empty: every NIK is new (and unique in the file)
            return pl.DataFrame(schema=dict(zip(names, columns.values(), strict=True)))
        source = "FROM registry_resident WHERE deleted_at IS NULL AND nik IN (%s)"
        if connection.vendor == "postgresql" and niks:
            found = sqlload.query_frame(columns, *_any_of(source, niks))
        else:
            select = f"SELECT {', '.join(columns)} {source}"  # noqa: S608
            found = pl.DataFrame(self._lookup(select, niks), schema=columns, orient="row")
        return found.rename(dict(zip(columns, names, strict=True)))

    def _record_conflicts(self, conflicts) -> None:
        if not conflicts:
            return
        actor = self.actor if getattr(self.actor, "is_authenticated", False) else None
        # Conflicts are kept even when the import rolls back: the custodian must see them.
        self.conflicts = getattr(self, "conflicts", []) + [
            NikConflict(nik=n, village_id=v, holder_village_id=h, source="import", actor=actor)
            for n, v, h in conflicts
        ]

    def _audit(self) -> None:
        if self.job is not None:
            job = self.job
            job.rows, job.added, job.updated = (
                self.report.rows,
                self.report.added,
                self.report.updated,
            )
            job.unchanged = self.report.unchanged
            job.rejected, job.committed = self.report.rejected, True
            job.save(
                update_fields=["rows", "added", "updated", "unchanged", "rejected", "committed"]
            )
        else:
            job = self._new_job()
        self.audit_job = job
        audit.record(
            self.actor,
            AuditEntry.Action.CREATE,
            job,
            after={
                "file": self.file_name,
                "rows": self.report.rows,
                "added": self.report.added,
                "updated": self.report.updated,
                "unchanged": self.report.unchanged,
                "rejected": self.report.rejected,
                "mode": self.mode,
                **self._command_line_user(),
            },
        )

    def _audit_attempt(self) -> None:
        """A web import that saved nothing (a dry run, or rows refused in all-or-nothing
        mode) still read the registry: its report says which NIKs other villages hold. So
        it is in the audit trail too, written after the rollback."""
        audit.record(
            self.actor,
            AuditEntry.Action.CREATE,
            self.job,
            after={
                "file": self.file_name,
                "rows": self.report.rows,
                "rejected": self.report.rejected,
                "mode": self.mode,
                "dry_run": self.dry_run,
                "committed": False,
            },
        )

    def _command_line_user(self) -> dict:
        """Who ran a `satudata import` without --user: the operating system's account, so the
        audit trail names a person, not just "system"."""
        if getattr(self.actor, "is_authenticated", False):
            return {}
        try:
            return {"os_user": getpass.getuser()}
        except (KeyError, OSError):  # no login name and no password entry (some containers)
            return {"os_user": "?"}

    def _new_job(self) -> ImportJob:
        return ImportJob.objects.create(
            file_name=self.file_name[:200],
            path=str(self.path)[:500],
            village_id=self.village,
            mode=self.mode,
            state=ImportJob.State.DONE,
            rows=self.report.rows,
            added=self.report.added,
            updated=self.report.updated,
            unchanged=self.report.unchanged,
            rejected=self.report.rejected,
            committed=True,
            actor=self.actor if getattr(self.actor, "is_authenticated", False) else None,
            finished_at=timezone.now(),
        )


def question_marked(new: str, old: str) -> bool:
    """Whether `new` is `old` with one or more letters Windows-1252 lacks written as "?",
    and nothing else changed."""
    if len(new) != len(old) or new == old:
        return False
    for mine, stored in zip(new, old, strict=True):
        if mine == stored:
            continue
        if mine != "?":
            return False
        try:
            stored.encode("cp1252")
        except UnicodeEncodeError:
            continue
        return False  # a "?" where the encoding had the letter: a real change
    return True


class _RowsOf:
    """rows[i] of a chunk read as columns: row i as a list of text."""

    def __init__(self, raw: pl.DataFrame):
        self.raw = raw

    def __getitem__(self, index: int) -> list:
        return list(self.raw.row(index))


def _json_value(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


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


def _any_of(sql: str, keys: list[str]) -> tuple[str, list]:
    """PostgreSQL: `sql`'s `IN (%s)` as `= ANY(…)` of the keys, and its parameter. Keys
    without a comma (validated digits) go as one text split by the server: psycopg adapting
    a 5,000-item list cost ~20 µs an item."""
    if any("," in key for key in keys):
        return sql.replace("IN (%s)", "= ANY(%s)"), [list(keys)]
    return sql.replace("IN (%s)", "= ANY(string_to_array(%s, ','))"), [",".join(keys)]


def _taken_meanwhile(exc: IntegrityError) -> bool:
    """True when the error is the one-NIK or one-KK unique index refusing a row."""
    text = str(exc)
    unique = getattr(exc.__cause__, "sqlstate", None) == "23505"  # PostgreSQL
    unique = unique or "UNIQUE constraint failed" in text  # SQLite
    return unique and ("nik" in text or "family_number" in text)


def _sum_cells(frames: list[pl.DataFrame]) -> pl.DataFrame:
    return pl.concat(frames).group_by("village", "sex", "birth_year", maintain_order=True).sum()


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


def run_import(path: Path, **options) -> Report:
    """Import a file and save the conflicts found, even when the import itself rolled back
    (the custodian must see them), but not for a dry run, which stores nothing."""
    importer = Importer(path, **options)
    report = importer.run()
    conflicts = getattr(importer, "conflicts", [])
    if conflicts and not importer.dry_run:
        NikConflict.objects.add_new(conflicts)
    report.job = getattr(importer, "audit_job", None)
    return report
