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
The file's columns, the report and the error file are in `import_format`; the per-row parse
and the file's dates in `import_rows`; the import's job, audit entries and refused rows in
`import_records`.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.scope import write_scope
from satudata.audit import services as audit
from satudata.audit.models import AuditEntry
from satudata.core.oserrors import reason
from satudata.core.sqlite import page_cache
from satudata.regions.models import Region
from satudata.regions.services import served
from satudata.registry import bulkindex, cells, codes, sqlload, statistics
from satudata.registry.bulkindex import DeferredIndexes
from satudata.registry.fastparse import SCHEMA, fast_rows, frame_of, name_key
from satudata.registry.import_format import (
    CODE_FIELDS,
    OPENSID_NAME,
    OWN,
    REQUIRED,
    TEXT_FIELDS,
    VALUE_COLUMNS,
    ErrorFile,
    Report,
    columns_of,
    max_bytes,
    too_large,
)
from satudata.registry.import_heads import ALIVE, keep_one_head
from satudata.registry.import_records import ImportRecords
from satudata.registry.import_rows import RowParse
from satudata.registry.import_rules import ImportRules, not_living_moved
from satudata.registry.models import ImportJob, NikConflict
from satudata.registry.placement import ChangedMeanwhile, Placement
from satudata.registry.readers import ROW_BYTES, FileProblem, open_source
from satudata.registry.validation import (
    EXCEL_EPOCH,
    district_digits,
    earliest_birth,
    named,
    outside_message,
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


class Importer(RowParse, ImportRecords, ImportRules, Placement):
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
        self.gone: set[int] = set()  # stored residents the file takes off their card or life
        self.status_changes: list[tuple] = []  # (id, village, before, after) written
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
                % {"path": self.error_path, "error": reason(exc)}
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
                "Another user changed residents or family cards of this file while it was "
                "being imported; nothing was saved, so that no change is undone unseen. "
                "Import the file again."
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
            # OpenSID's names first (most files are OpenSID's), then ours where they
            # differ: "nik (nik)" read as a typo (QA).
            own = [f for f in missing if OPENSID_NAME.get(f, f) != f]
            names = ", ".join(OPENSID_NAME.get(f, f) for f in missing)
            if own:
                names = _("%(names)s (in Satu Data's own format: %(own)s)") % {
                    "names": names,
                    "own": ", ".join(own),
                }
            self.report.message = _(
                "The file lacks required columns: %(names)s. Its first row must hold the "
                "column titles of OpenSID's import format (nama, nik, no_kk, sex, "
                "tanggallahir, …) or of Satu Data's own format."
            ) % {"names": names}
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
        self._note_status_changes(updates)
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
            (~pl.col("_conflict") & revived.fill_null(False)).alias("_revived"),
            (not_living_moved() & ~revived.fill_null(False)).alias("_not_living_moved"),
        )
        bad = (
            pl.col("_conflict")
            | pl.col("_wrong_family")
            | pl.col("_two_villages")
            | pl.col("_revived")
            | pl.col("_not_living_moved")
            | pl.col("_no_card")
            | pl.col("_foreign_temporary")
            | pl.col("_former_temporary")
        )
        rejected = frame.filter(bad)
        if rejected.height:
            self._reject_rows(rejected)
        accepted = frame.filter(~bad)
        accepted = self._refuse_birth_after_events(accepted)
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

    def _lookup(self, sql: str, keys: list) -> list[tuple]:
        """The rows of `sql` (with one `IN (%s)`) for these keys (texts or ids): one query on
        PostgreSQL, one per LOOKUP keys on SQLite."""
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


def _any_of(sql: str, keys: list) -> tuple[str, list]:
    """PostgreSQL: `sql`'s `IN (%s)` as `= ANY(…)` of the keys, and its parameter. Text keys
    without a comma (validated digits) go as one text split by the server: psycopg adapting
    a 5,000-item list cost ~20 µs an item. Integer keys (ids) go as a list."""
    if any(not isinstance(key, str) or "," in key for key in keys):
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
