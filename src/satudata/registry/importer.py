"""Import residents from OpenSID-format or our own CSV/XLSX files, streaming, in bulk.

One pass over the file in chunks: parse and validate rows in a tight loop (the same rules as
`validation`; a row that fails the fast check gets its messages from `check_resident`), look
up NIKs and KK numbers of a chunk in one query each, then insert/update with executemany (COPY
on PostgreSQL). All inside one transaction: in all-or-nothing mode (default) any rejected row
rolls everything back; a dry run always rolls back. One audit entry per import, not per row.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.scope import write_scope
from satudata.audit import services as audit
from satudata.audit.models import AuditEntry
from satudata.regions.models import LocalUnit, Region
from satudata.registry import bulkindex, cells, codes, statistics
from satudata.registry.bulkindex import DeferredIndexes
from satudata.registry.fastparse import fast_rows
from satudata.registry.models import ImportJob, NikConflict
from satudata.registry.readers import FileProblem, open_source
from satudata.registry.validation import (
    OPTIONAL_CODES,
    check_resident,
    district_digits,
    kk_problem,
    named,
    parse_date,
)

CHUNK = 5000
LOOKUP = 5000  # parameters per IN (...) query; SQLite ≥ 3.32 allows 32,766
INTS = {str(i): i for i in range(100)}

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
REQUIRED = ("nik", "name", "sex", "birth_date", "family_number")
# The optional code-list columns, defined once with the rules that check them.
CODE_FIELDS = OPTIONAL_CODES
SEX_WORDS = {"1": 1, "2": 2, "l": 1, "p": 2, "laki-laki": 1, "perempuan": 2}
INSERT_COLUMNS = (
    "nik nik_is_temporary name name_key sex birth_place birth_date religion education_kk "
    "education_current occupation marital_status relationship citizenship blood_type "
    "disability father_name mother_name status village_id unit_id family_id is_demo "
    "created_at updated_at version"
).split()
UPDATE_COLUMNS = (
    "name name_key sex birth_place birth_date religion education_kk education_current "
    "occupation marital_status relationship citizenship blood_type disability father_name "
    "mother_name status unit_id family_id updated_at"
).split()


@dataclass
class Report:
    rows: int = 0
    added: int = 0
    updated: int = 0
    rejected: int = 0
    committed: bool = False
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    error_path: str = ""
    sample: list[str] = field(default_factory=list)  # the first errors, for the CLI and UI


class ImportFailed(Exception):
    pass


class ErrorFile:
    """row, column, value, message — written as rejections happen, never kept in memory."""

    def __init__(self, path: Path):
        self.path = path
        self.handle = path.open("w", encoding="utf-8-sig", newline="")
        self.sample: list[str] = []
        self.writer = csv.writer(self.handle)
        self.writer.writerow([_("row"), _("column"), _("value"), _("message")])

    def add(self, row: int, column: str, value, message: str) -> None:
        self.writer.writerow([row, column, value, message])
        if len(self.sample) < 20:
            self.sample.append(
                _("Row %(row)d, column %(column)s: %(message)s")
                % {"row": row, "column": column, "message": message}
            )

    def close(self) -> None:
        self.handle.close()


def _columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Field -> column index, and the names of columns we ignore."""
    positions, ignored = {}, []
    for index, name in enumerate(header):
        target = OPENSID.get(name) or (name if name in OWN else None)
        if target is None or target in positions:
            if name:
                ignored.append(name)
            continue
        positions[target] = index
    return positions, ignored


class Importer:
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
        self.touched: set[str] = set()  # villages whose pyramid cells need a refresh
        self.families: dict[str, tuple[int, str]] = {}  # KK -> (id, village)
        self.units: dict[tuple, int | None] = {}
        self.unit_ids: dict[tuple, int] = {}
        self.units_loaded: set[str] = set()
        self.dates: dict[str, datetime.date | None] = {}
        self.today = datetime.date.today()
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())

    # -- the run --------------------------------------------------------------------------

    def run(self) -> Report:
        limit = max_bytes()
        if self.path.exists() and self.path.stat().st_size > limit:
            raise_fatal = _("The file is %(size)d MB; the largest file accepted is %(max)d MB.")
            return self._fatal(
                raise_fatal % {"size": self.path.stat().st_size // 2**20, "max": limit // 2**20}
            )
        if self.village and self.village not in self.villages:
            return self._fatal(_("No village has the code %(code)s.") % {"code": self.village})
        if self.village and self.scope is not None and not self.scope.allows(self.village):
            raise PermissionDenied(_("You may not change the residents of this village."))
        try:
            source = open_source(self.path)
        except FileProblem as exc:
            return self._fatal(str(exc))
        errors = ErrorFile(self.error_path)
        self.errors = errors
        try:
            with _big_cache(), transaction.atomic():
                deferred = DeferredIndexes()
                if bulkindex.worth_deferring(source.size):
                    deferred.drop()
                self._run(source)
                failed = self.report.rejected and self.mode == ImportJob.Mode.ALL_OR_NOTHING
                if self.report.message or failed or self.dry_run:
                    # Rolling back also restores any index set aside (DDL is transactional).
                    transaction.set_rollback(True)
                else:
                    deferred.rebuild()
                    self.report.committed = True
                    self._audit()
                    cells.refresh(self.touched)
                    statistics.changed()
        except FileProblem as exc:
            self.report.message = str(exc)
            self.report.committed = False
        finally:
            source.close()
            errors.close()
            self.report.sample = errors.sample
        return self.report

    def _fatal(self, message: str) -> Report:
        self.report.message = message
        return self.report

    def _run(self, source) -> None:
        positions, ignored = _columns(source.header)
        if not any(source.header):
            self.report.message = _("The file is empty: it has no header row.")
            return
        if ignored:
            self.report.warnings.append(
                _("Columns ignored (not in the import format): %(names)s.")
                % {"names": ", ".join(ignored)}
            )
        missing = [f for f in REQUIRED if f not in positions]
        if not self.village and "village_code" not in positions:
            missing.append("village_code")
        if missing:
            wanted = OPENSID_NAME
            self.report.message = _(
                "The file lacks required columns: %(names)s. Use OpenSID's import format or "
                "ours (see the README)."
            ) % {"names": ", ".join(f"{wanted.get(f, f)} ({f})" for f in missing)}
            return
        self.positions = positions
        self.xlsx = not hasattr(source, "reader")
        self.positions_header = set(source.header)
        self.code_fields = [f for f in CODE_FIELDS if f in positions]
        self.text_fields = [f for f in TEXT_FIELDS if f in positions]
        self.number_fields = [
            f for f in ("nik", "family_number", "rw", "rt", "village_code", "sex") if f in positions
        ]
        width = len(source.header)
        chunk: list[tuple[int, list]] = []
        line = 1
        for row in source.rows():
            line += 1
            if not any(row):
                continue
            if len(row) < width:
                row = list(row) + [""] * (width - len(row))
            chunk.append((line, row))
            if len(chunk) >= CHUNK:
                self._chunk(chunk)
                chunk = []
                self.progress(source.position(), source.size, self.report.rows)
        if chunk:
            self._chunk(chunk)
        self.progress(source.size, source.size, self.report.rows)
        if self.report.rows == 0:
            self.report.message = _("The file has a header but no rows.")

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
                if isinstance(value, int | float):  # spreadsheets turn digits into numbers
                    data[name] = str(int(value))
            for name in self.text_fields:
                if not isinstance(data[name], str):
                    data[name] = str(data[name])
        else:
            for name, index in p.items():
                data[name] = row[index].strip()
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
                birth = parse_date(raw_date) if raw_date != "" else None
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
                % {"value": raw_date},
            )
            birth = None
        data["birth_date"] = birth
        village = data.get("village_code") or self.village
        if village and "." not in village and len(village) == 10:
            village = f"{village[:2]}.{village[2:4]}.{village[4:6]}.{village[6:]}"
        if self.village and village != self.village:
            bad["village"] = named(
                "village",
                _("kode_desa %(code)s differs from the village chosen for the import.")
                % {"code": village},
            )
        elif village not in self.villages:
            bad["village"] = named(
                "village", _("no village has the code %(code)s.") % {"code": village}
            )
        elif self.scope is not None and not self.scope.allows(village):
            bad["village"] = named(
                "village",
                _("you may not change the residents of village %(code)s.") % {"code": village},
            )
        data["village"] = village
        if not self._fast_valid(data) or bad:
            checked = check_resident({**data, "sex": data["sex"] if data["sex"] != -1 else 99})
            for name, message in checked.items():
                bad.setdefault(name, message)
            kk = kk_problem(data["family_number"])
            if kk:
                bad["family_number"] = named("family_number", kk)
        if not bad and data["nik"] in self.seen:
            bad["nik"] = named("nik", _("appears more than once in the file."))
        if bad:
            opensid = "nama" in self.positions_header
            self.report.rejected += 1
            for name, message in bad.items():
                column = "village_code" if name == "village" else name
                if opensid:
                    column = OPENSID_NAME.get(column, column)
                self.errors.add(line, column, row_value(row, p, name), message)
            return None
        self.seen.add(data["nik"])
        return data

    def _fast_valid(self, d: dict) -> bool:
        """The rules of check_resident and kk_problem, cheaply; False means check properly."""
        nik, kk, birth, sex = d["nik"], d["family_number"], d["birth_date"], d["sex"]
        if birth is None or sex not in (1, 2) or not d["name"] or len(d["name"]) > 100:
            return False
        if len(nik) != 16 or not nik.isdigit() or nik[:6] not in self.districts:
            return False
        if nik[12:] == "0000" or birth > self.today:
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

    def _chunk(self, chunk: list[tuple[int, list]]) -> None:
        parsed = []
        rows = [row for _line, row in chunk]
        fast = [None] * len(chunk) if self.xlsx else fast_rows(self, rows)
        for (line, row), data in zip(chunk, fast, strict=True):
            self.report.rows += 1
            if data is not None and data["nik"] not in self.seen:
                self.seen.add(data["nik"])
            else:  # anything the vectorised check did not accept: full checks and messages
                data = self._parse(line, row)
            if data is not None:
                parsed.append((line, data))
        if not parsed:
            return
        existing = self._existing_niks([d["nik"] for _line, d in parsed])
        self._load_families({d["family_number"] for _line, d in parsed})
        inserts, updates, conflicts = [], [], []
        new_families: dict[str, tuple[str, dict]] = {}
        accepted = []
        for line, d in parsed:
            held = existing.get(d["nik"])
            if held is not None and held[1] != d["village"]:
                self._reject(
                    line,
                    "nik",
                    d["nik"],
                    named(
                        "nik",
                        _("already registered in village %(code)s; record a move in instead.")
                        % {"code": held[1]},
                    ),
                )
                conflicts.append((d["nik"], d["village"], held[1]))
                continue
            family = self.families.get(d["family_number"])
            if family is not None and family[1] != d["village"]:
                self._reject(
                    line,
                    "no_kk",
                    d["family_number"],
                    named(
                        "family_number",
                        _("already registered in village %(code)s.") % {"code": family[1]},
                    ),
                )
                continue
            if family is None:
                known = new_families.get(d["family_number"])
                if known is not None and known[0] != d["village"]:
                    self._reject(
                        line,
                        "no_kk",
                        d["family_number"],
                        named("family_number", _("is used for two villages in the file.")),
                    )
                    continue
                if known is None:
                    new_families[d["family_number"]] = (d["village"], d)
            accepted.append((d, held))
        writing = not self.dry_run and not (
            self.report.rejected and self.mode == ImportJob.Mode.ALL_OR_NOTHING
        )
        self._record_conflicts(conflicts)
        self._ensure_units([d for d, _held in accepted])
        self._create_families(new_families, writing)
        for d, held in accepted:
            self.touched.add(d["village"])
            if held is not None:
                self.touched.add(held[1])
            unit = self._unit(d)
            family_id = self.families[d["family_number"]][0]
            values = (
                d["name"],
                " ".join(d["name"].lower().split())[:100],
                d["sex"],
                d.get("birth_place", "") or "",
                d["birth_date"],
                d.get("religion"),
                d.get("education_kk"),
                d.get("education_current"),
                d.get("occupation"),
                d.get("marital_status"),
                d.get("relationship"),
                d.get("citizenship"),
                d.get("blood_type"),
                d.get("disability"),
                d.get("father_name", "") or "",
                d.get("mother_name", "") or "",
                d["status"],
            )
            if held is None:
                inserts.append(
                    (
                        d["nik"],
                        False,
                        *values[:16],
                        d["status"],
                        d["village"],
                        unit,
                        family_id,
                        False,
                        self.now,
                        self.now,
                        1,
                    )
                )
            else:
                updates.append((*values, unit, family_id, self.now, held[0]))
        self.report.added += len(inserts)
        self.report.updated += len(updates)
        if writing:
            _insert("registry_resident", INSERT_COLUMNS, inserts)
            if updates:
                sets = ", ".join(f"{c} = %s" for c in UPDATE_COLUMNS)
                with connection.cursor() as cursor:
                    cursor.executemany(
                        f"UPDATE registry_resident SET {sets}, version = version + 1 "  # noqa: S608
                        "WHERE id = %s",
                        updates,
                    )

    # -- bulk lookups and writes ----------------------------------------------------------

    def _lookup(self, sql: str, keys: list[str]) -> list[tuple]:
        found = []
        if not keys:
            return found
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # one array parameter, not 5,000
                cursor.execute(sql.replace("IN (%s)", "= ANY(%s)"), [list(keys)])
                return cursor.fetchall()
            for start in range(0, len(keys), LOOKUP):
                part = keys[start : start + LOOKUP]
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(sql % marks, part)
                found.extend(cursor.fetchall())
        return found

    def _existing_niks(self, niks: list[str]) -> dict[str, tuple[int, str]]:
        rows = self._lookup(
            "SELECT nik, id, village_id FROM registry_resident "
            "WHERE deleted_at IS NULL AND nik IN (%s)",
            niks,
        )
        return {nik: (pk, village) for nik, pk, village in rows}

    def _load_families(self, numbers: set[str]) -> None:
        wanted = [n for n in numbers if n not in self.families]
        rows = self._lookup(
            "SELECT family_number, id, village_id FROM registry_family "
            "WHERE deleted_at IS NULL AND family_number IN (%s)",
            wanted,
        )
        for number, pk, village in rows:
            self.families[number] = (pk, village)

    def _create_families(self, new: dict[str, tuple[str, dict]], writing: bool) -> None:
        if not new:
            return
        rows = []
        for number, (village, d) in new.items():
            rows.append(
                (
                    number,
                    village,
                    self._unit(d),
                    d.get("address", "") or "",
                    False,
                    self.now,
                    self.now,
                )
            )
        if not writing:
            for number, (village, _d) in new.items():
                self.families[number] = (0, village)
            return
        _insert(
            "registry_family",
            [
                "family_number",
                "village_id",
                "unit_id",
                "address",
                "is_demo",
                "created_at",
                "updated_at",
            ],
            rows,
        )
        self._load_families(set(new))

    def _unit(self, d: dict) -> int | None:
        """The unit of a row (resolved by `_ensure_units` for its chunk)."""
        return self.units[d["unit_key"]]

    def _ensure_units(self, rows: list[dict]) -> None:
        """Units of a chunk's rows: missing ones created level by level, one INSERT each."""
        paths = {}
        for d in rows:
            key = d["unit_key"] = _unit_key(d)
            if key not in self.units and key not in paths:
                paths[key] = _unit_path(key)
        if not paths:
            return
        for village in {key[0] for key in paths}:
            if village not in self.units_loaded:
                self._load_units(village)
        parents: dict[tuple, int | None] = dict.fromkeys(paths)
        for depth in range(3):
            wanted = {}
            for key, path in paths.items():
                if len(path) > depth:
                    unit_key = (key[0], parents[key], *path[depth])
                    if unit_key not in self.unit_ids:
                        wanted[unit_key] = None
            if wanted:
                made = LocalUnit.objects.bulk_create(
                    [
                        LocalUnit(village_id=v, parent_id=p, level=lv, name=n)
                        for v, p, lv, n in wanted
                    ]
                )
                for unit_key, unit in zip(wanted, made, strict=True):
                    self.unit_ids[unit_key] = unit.pk
            for key, path in paths.items():
                if len(path) > depth:
                    parents[key] = self.unit_ids[(key[0], parents[key], *path[depth])]
        self.units.update(parents)

    def _load_units(self, village: str) -> None:
        """Every unit of the village in one query; units are created only when missing."""
        self.units_loaded.add(village)
        for pk, parent, level, name in LocalUnit.objects.filter(village_id=village).values_list(
            "id", "parent_id", "level", "name"
        ):
            self.unit_ids[(village, parent, level, name)] = pk

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
            job.rejected, job.committed = self.report.rejected, True
            job.save(update_fields=["rows", "added", "updated", "rejected", "committed"])
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
                "rejected": self.report.rejected,
                "mode": self.mode,
            },
        )

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
            rejected=self.report.rejected,
            committed=True,
            actor=self.actor if getattr(self.actor, "is_authenticated", False) else None,
            finished_at=timezone.now(),
        )


def _unit_key(d: dict) -> tuple[str, str, str, str]:
    return (d["village"], d.get("hamlet") or "", d.get("rw") or "", d.get("rt") or "")


def _unit_path(key: tuple[str, str, str, str]) -> list[tuple[str, str]]:
    """(level, name) from the hamlet down: RW/RT numbers zero-padded, an RT only under an RW."""
    _village, hamlet, rw, rt = key
    path: list[tuple[str, str]] = []
    for level, name in (("hamlet", hamlet), ("rw", rw), ("rt", rt)):
        if not name:
            continue
        if level in ("rw", "rt"):
            if not name.isdigit() or len(name) > 3:
                continue
            name = name.zfill(3)
        if level == "rt" and (not path or path[-1][0] != "rw"):
            break
        path.append((level, name))
    return path


def row_value(row: list, positions: dict[str, int], name: str):
    field_name = "village_code" if name == "village" else name
    index = positions.get(field_name)
    return row[index] if index is not None and index < len(row) else ""


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(columns)
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                rows,
            )


@contextlib.contextmanager
def _big_cache():
    """A 160 MB SQLite page cache while importing: index inserts stop re-reading pages."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -163840")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def max_bytes() -> int:
    from django.conf import settings

    return int(getattr(settings, "SATUDATA_IMPORT_MAX_MB", 150)) * 2**20


def run_import(path: Path, **options) -> Report:
    """Import a file and save conflicts found (even when the import itself rolled back)."""
    importer = Importer(path, **options)
    report = importer.run()
    conflicts = getattr(importer, "conflicts", [])
    if conflicts:
        NikConflict.objects.bulk_create(conflicts)
    report.job = getattr(importer, "audit_job", None)
    return report
