"""The import's fast paths change nothing: vectorised checks agree with the per-row parse,
and indexes set aside during a large import are back whatever happens."""

from __future__ import annotations

import csv
import io

import polars as pl
import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from satudata.conftest import VILLAGE_A
from satudata.regions.models import LocalUnit
from satudata.registry import bulkindex, cells, importer, readers, writer
from satudata.registry.exporter import OPENSID_HEADER
from satudata.registry.models import Family, PopulationCell, Resident
from satudata.registry.tests.test_import import fails, good_rows, run, snapshot, write_csv

pytestmark = pytest.mark.django_db
COL = {name: i for i, name in enumerate(OPENSID_HEADER)}


def variants() -> list[list[str]]:
    """Valid rows in every form the per-row parse accepts, and rows with single faults."""
    rows = good_rows(40, seed=11)
    women = [r for r in rows if r[COL["sex"]] == "2"]
    men = [r for r in rows if r[COL["sex"]] == "1"]
    iso = women[0][COL["tanggallahir"]]
    women[0][COL["tanggallahir"]] = f"{iso[8:]}/{iso[5:7]}/{iso[:4]}"
    iso = women[1][COL["tanggallahir"]]
    women[1][COL["tanggallahir"]] = f"{iso[8:]}-{iso[5:7]}-{iso[:4]}"
    women[2][COL["tanggallahir"]] += " 00:00:00"
    women[3][COL["sex"]] = "P"
    men[0][COL["sex"]] = "laki-laki"
    men[1][COL["agama_id"]] = "01"
    men[2][COL["agama_id"]] = ""
    men[3][COL["status_dasar"]] = ""
    men[4][COL["nama"]] = "  Budi  Santoso "
    men[5][COL["kode_desa"]] = VILLAGE_A.replace(".", "")
    women[4][COL["pekerjaan_id"]] = "+5"  # int() reads it; the fast check leaves it to _parse
    women[5][COL["rt"]] = "7"
    women[6][COL["rw"]] = "0002"  # RW 002: the fast check leaves 4 digits to _parse
    return rows


def stored():
    residents = Resident.objects.order_by("nik").values_list(
        "nik",
        "name",
        "name_key",
        "sex",
        "birth_date",
        "religion",
        "occupation",
        "status",
        "citizenship",
        "village_id",
        "unit__name",
        "unit__parent__name",
        "family__family_number",
    )
    # RTs of the same name sit under different RWs: without the parent's name the order
    # among them is the database's (PostgreSQL varies it between runs).
    units = LocalUnit.objects.order_by("village_id", "level", "name", "parent__name").values_list(
        "village_id", "level", "name", "parent__name"
    )
    return list(residents), list(units), Family.objects.count()


def slow(monkeypatch):
    monkeypatch.setattr(importer, "fast_rows", lambda imp, raw: None)  # none accepted


def test_vectorised_checks_store_what_the_per_row_parse_stores(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "w.csv", variants())
    accepted = []
    real = importer.fast_rows

    def spy(imp, raw):
        found = real(imp, raw)
        accepted.extend([True] * found.height + [False] * (raw.height - found.height))
        return found

    monkeypatch.setattr(importer, "fast_rows", spy)
    with transaction.atomic():
        run(path)
        fast = stored()
        transaction.set_rollback(True)
    assert len(fast[0]) == 40 and ("  Budi  Santoso " not in {r[1] for r in fast[0]})
    assert Resident.objects.count() == 0
    assert accepted.count(True) >= 34 and accepted.count(False) >= 2  # both paths ran
    slow(monkeypatch)
    run(path)
    assert stored() == fast


@pytest.mark.parametrize("vectorised", [True, False])
def test_bad_rows_get_the_same_report_either_way(tmp_path, monkeypatch, vectorised):
    rows = variants()
    women = [i for i, r in enumerate(rows) if r[COL["sex"]] == "2"]
    rows[women[7]][COL["nik"]] = rows[women[7]][COL["nik"]][:12] + "0000"
    rows[women[8]][COL["sex"]] = "1"
    rows[women[9]][COL["tanggallahir"]] = "2090-01-01"
    rows[women[10]][COL["agama_id"]] = "9"
    rows.append(list(rows[0]))
    if not vectorised:
        slow(monkeypatch)
    out = fails(write_csv(tmp_path / "w.csv", rows))
    report = list(csv.reader((tmp_path / "w.csv.errors.csv").open(encoding="utf-8-sig")))
    assert [r[:2] for r in report[1:]] == [
        [str(women[7] + 2), "nik"],
        [str(women[8] + 2), "nik"],
        [str(women[9] + 2), "tanggallahir"],
        [str(women[10] + 2), "agama_id"],
        [str(len(rows) + 1), "nik"],
    ]
    assert "0000" in report[1][3] and "muncul lebih dari sekali" in report[5][3]
    assert "Tidak ada yang disimpan" in out
    assert Resident.objects.count() == 0


def index_names():
    """Secondary indexes and (PostgreSQL) foreign keys of the tables an import may defer."""
    found = set()
    for table in bulkindex.TABLES:
        found |= {name for name, _sql in bulkindex.secondary_indexes(table)}
        found |= {name for name, _sql in bulkindex.unique_indexes(table)}
        found |= {f"{name} {sql}" for name, sql in bulkindex.foreign_keys(table)}
        found |= {f"{name} {sql}" for name, sql in bulkindex.primary_keys(table)}
        found |= {f"{other}.{name} {sql}" for other, name, sql in bulkindex.references_to(table)}
    return found


@pytest.fixture
def defer_always(settings):
    settings.SATUDATA_IMPORT_DEFER_INDEXES_ROWS = 0
    monkey = pytest.MonkeyPatch()
    monkey.setattr(bulkindex, "BYTES_PER_ROW", 1)  # a small file counts as a large import
    yield
    monkey.undo()


def test_large_first_import_rebuilds_the_indexes_it_set_aside(tmp_path, defer_always):
    before = index_names()
    assert {"resident_name_key_idx", "resident_village_key_idx", "family_village_idx"} <= before
    assert {"nik_unique_alive", "family_number_unique_alive"} <= before  # empty tables
    if connection.vendor == "postgresql":
        assert sum("FOREIGN KEY" in name for name in before) >= 5
        assert sum("PRIMARY KEY" in name for name in before) == 2
        assert any(name.startswith("registry_lifeevent.") for name in before)
    dropped = []
    real = bulkindex.DeferredIndexes.drop

    def spy(self):
        result = real(self)
        dropped.append(set(before) - index_names())
        return result

    pytest.MonkeyPatch().setattr(bulkindex.DeferredIndexes, "drop", spy)
    run(write_csv(tmp_path / "w.csv", good_rows(12)))
    assert dropped and dropped[0] == before  # they really were set aside during the load
    assert index_names() == before
    assert Resident.objects.count() > 0


def test_a_large_import_leaves_the_planner_statistics_of_what_it_loaded(tmp_path, defer_always):
    """PostgreSQL: without statistics the planner took `deleted_at IS NULL` for 0.5% of the
    rows and the custodian's family search read the one-NIK index in full for every family
    of a page (5.4 s at 600,000 residents) until autovacuum came by."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")
    run(write_csv(tmp_path / "w.csv", good_rows(12)))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, attname, null_frac FROM pg_stats WHERE schemaname = "
            "current_schema() AND tablename = ANY(%s) AND attname IN ('deleted_at', 'id')",
            [list(bulkindex.TABLES)],
        )
        found = {(table, column): null_frac for table, column, null_frac in cursor.fetchall()}
        cursor.execute("SHOW default_statistics_target")
        target = cursor.fetchone()[0]
    assert found == {
        ("registry_resident", "deleted_at"): 1.0,
        ("registry_resident", "id"): 0.0,
        ("registry_family", "deleted_at"): 1.0,
        ("registry_family", "id"): 0.0,
    }
    assert target == "100"  # the import's smaller sample is its own


def column_defaults() -> set[str]:
    """table.column of every column default of the tables an import may defer."""
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attrelid::regclass::text || '.' || attname FROM pg_attribute "
            "WHERE attrelid = ANY(%s::regclass[]) AND atthasdef",
            [list(bulkindex.TABLES)],
        )
        return {name for (name,) in cursor.fetchall()}


def test_constant_columns_load_as_defaults_and_are_stored_like_any_other(tmp_path, defer_always):
    """PostgreSQL: the flags, timestamps and version are the columns' defaults while a large
    import loads (COPY then neither sends nor parses them), and no default is left after."""
    before = column_defaults()
    during = []
    real = bulkindex.DeferredIndexes.rebuild

    def spy(self):
        during.append(column_defaults())
        return real(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bulkindex.DeferredIndexes, "rebuild", spy)
        run(write_csv(tmp_path / "w.csv", good_rows(12)))
    if connection.vendor == "postgresql":
        stamps = {"registry_resident.created_at", "registry_family.updated_at"}
        assert stamps <= during[0] - before
    assert column_defaults() == before
    residents = Resident.objects.values_list(
        "created_at", "updated_at", "version", "is_demo", "nik_is_temporary"
    )
    assert len(set(residents)) == 1 and Resident.objects.count() > 1
    created, updated, version, demo, temporary = residents[0]
    assert created == updated and version == 1 and not demo and not temporary
    assert set(Family.objects.values_list("created_at", "is_demo")) == {(created, False)}
    assert Family.objects.create(family_number="6201020000000009", village_id=VILLAGE_A).pk


def test_failed_or_dry_import_leaves_every_index_in_place(tmp_path, defer_always):
    before, defaults = index_names(), column_defaults()
    rows = good_rows(12)
    rows[3][COL["nik"]] = "123"
    keep = snapshot()
    fails(write_csv(tmp_path / "bad.csv", rows))
    assert index_names() == before and snapshot() == keep
    run(write_csv(tmp_path / "dry.csv", good_rows(12, seed=8)), "--dry-run")
    assert index_names() == before and snapshot() == keep
    assert column_defaults() == defaults


def test_crash_in_the_middle_of_the_load_restores_indexes_and_data(
    tmp_path, defer_always, monkeypatch
):
    before, keep = index_names(), snapshot()
    monkeypatch.setattr(importer, "CHUNK", 5)
    calls = []
    real = importer.Importer._chunk

    def crash(self, chunk):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(self, chunk)

    monkeypatch.setattr(importer.Importer, "_chunk", crash)
    with pytest.raises(RuntimeError):
        importer.run_import(write_csv(tmp_path / "w.csv", good_rows(12)))
    assert index_names() == before and snapshot() == keep


def test_ids_handed_out_by_a_fresh_import_never_clash_with_later_or_earlier_rows(
    tmp_path, defer_always
):
    """A fresh import numbers its families and units itself (nothing is queried while it
    loads): past any id used before, and the database's own numbering goes on after it."""
    gone = Family.objects.create(family_number="6201020000000001", village_id=VILLAGE_A)
    old_unit = LocalUnit.objects.create(village_id=VILLAGE_A, level="hamlet", name="Lama")
    Family.all_objects.filter(pk=gone.pk).delete()  # the table is empty again, its id used
    run(write_csv(tmp_path / "w.csv", good_rows(12)))
    imported = list(Family.objects.values_list("id", flat=True))
    assert imported and min(imported) > gone.pk
    units = LocalUnit.objects.exclude(pk=old_unit.pk).values_list("id", flat=True)
    assert units and min(units) > old_unit.pk
    assert LocalUnit.objects.filter(pk=old_unit.pk).exists()  # units already there are kept
    later = Family.objects.create(family_number="6201020000000002", village_id=VILLAGE_A)
    assert later.pk > max(imported)
    unit = LocalUnit.objects.create(village_id=VILLAGE_A, level="hamlet", name="Baru")
    assert unit.pk > max(units)
    assert set(Resident.objects.values_list("family_id", flat=True)) == set(imported)


def test_a_fresh_import_whose_tables_are_busy_creates_units_and_families_by_insert(
    tmp_path, defer_always, monkeypatch
):
    def busy(self, table):
        raise OperationalError("lock timeout")

    monkeypatch.setattr(importer.IdBlock, "__init__", busy)
    run(write_csv(tmp_path / "w.csv", good_rows(12)))
    assert Family.objects.count() > 0 and LocalUnit.objects.count() > 0
    assert Resident.objects.exclude(family__isnull=False).count() == 0


def test_a_write_refused_by_the_database_on_the_writer_thread_rolls_everything_back(
    tmp_path, defer_always, monkeypatch
):
    """Residents are written on a second thread while the next chunk is parsed; an error
    there (here: a NULL name key from the third chunk on, refused by NOT NULL) reaches the
    import as Django's IntegrityError, and nothing of the earlier chunks stays."""
    before, keep = index_names(), snapshot()
    monkeypatch.setattr(importer, "CHUNK", 5)
    real = importer.name_key
    monkeypatch.setattr(
        importer,
        "name_key",
        lambda name: pl.when(pl.col("_line") < 12).then(real(name)).otherwise(None),
    )
    with pytest.raises(IntegrityError):
        importer.run_import(write_csv(tmp_path / "w.csv", good_rows(14)))
    assert index_names() == before and snapshot() == keep
    assert Resident.objects.count() == 0


def test_no_deferral_when_the_table_is_larger_than_the_file(tmp_path, settings):
    settings.SATUDATA_IMPORT_DEFER_INDEXES_ROWS = 0
    run(write_csv(tmp_path / "a.csv", good_rows(30)))
    small = write_csv(tmp_path / "b.csv", good_rows(1, seed=9)[:1])
    assert bulkindex.worth_deferring(small.stat().st_size) is False


def cell_rows():
    return list(PopulationCell.objects.order_by("village_id", "sex", "birth_year").values_list())


def test_pyramid_cells_after_imports_equal_a_full_recount(tmp_path):
    first = good_rows(30)
    first[0][COL["status_dasar"]] = "2"  # dead: not counted
    later = good_rows(20, seed=9)
    for path in (
        write_csv(tmp_path / "a.csv", first),  # counts added to empty cells
        write_csv(tmp_path / "b.csv", later),  # added to the village's existing cells
        write_csv(tmp_path / "a2.csv", [*first[5:], *good_rows(3, seed=21)]),  # updates too
    ):
        run(path)
        added = cell_rows()
        assert sum(sum(row[4:]) for row in added) == Resident.objects.filter(status=1).count()
        cells.refresh([VILLAGE_A])
        assert [row[1:] for row in cell_rows()] == [row[1:] for row in added]


def test_first_import_into_empty_tables_keeps_one_record_per_nik(tmp_path, defer_always):
    before = index_names()
    rows = good_rows(12)
    rows.append(list(rows[2]))  # the same person twice in the file
    path = write_csv(tmp_path / "w.csv", rows)
    assert "muncul lebih dari sekali" in fails(path)
    assert Resident.objects.count() == 0 and index_names() == before
    out = run(path, "--mode", "valid-only")
    assert f"{len(rows) - 1} ditambah" in out and "1 ditolak" in out
    assert Resident.objects.values("nik").distinct().count() == len(rows) - 1
    families = Family.objects.count()
    dropped = []
    real = bulkindex.DeferredIndexes.drop

    def spy(self):
        result = real(self)
        dropped.append(before - index_names())
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bulkindex.DeferredIndexes, "drop", spy)
        out = run(path, "--mode", "valid-only")  # the tables hold rows now
        assert "0 ditambah, 0 diperbarui" in out and f"{len(rows) - 1} tidak berubah" in out
        assert not dropped  # nothing to write: every index stays in place
        for row in rows:
            row[COL["nama"]] += " Baru"
        out = run(write_csv(tmp_path / "w2.csv", rows), "--mode", "valid-only")
    assert "0 ditambah" in out and f"{len(rows) - 1} diperbarui" in out
    assert dropped and not {"nik_unique_alive", "family_number_unique_alive"} & dropped[0]
    assert Resident.objects.count() == len(rows) - 1 and Family.objects.count() == families
    assert index_names() == before
    assert Resident.objects.filter(name__endswith=" Baru").count() == len(rows) - 1


@pytest.mark.parametrize("quoted", [False, True])
def test_blank_lines_and_quotes_keep_the_row_numbers(tmp_path, quoted, monkeypatch):
    """Without quotes polars reads the file in blocks; a quote sends it to the csv module."""
    rows = good_rows(8)
    rows[3][COL["nik"]] = "123"
    if quoted:
        rows[5][COL["alamat"]] = 'Jl. "Melati", No. 5'
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(OPENSID_HEADER)
    writer.writerows(rows[:2])
    buffer.write("\r\n" + "," * 5 + "\r\n")  # a blank line and a line of empty fields
    writer.writerows(rows[2:])
    path = tmp_path / "w.csv"
    path.write_bytes(buffer.getvalue().encode())
    assert ('"' in buffer.getvalue()) is quoted
    source = readers.open_source(path)
    blocks = list(source.blocks(len(OPENSID_HEADER), 7))  # one line a block
    source.close()
    assert (blocks[-1][1] is None) is quoted  # after a quote the csv module reads on
    fails(path)
    report = list(csv.reader((tmp_path / "w.csv.errors.csv").open(encoding="utf-8-sig")))
    assert [r[:2] for r in report[1:]] == [["7", "nik"]]
    out = run(path, "--mode", "valid-only")
    assert f"{len(rows) - 1} ditambah" in out and "1 ditolak" in out
    assert Resident.objects.filter(nik=rows[5][COL["nik"]]).exists()


def test_rows_written_many_to_a_statement_are_stored_as_one_by_one(tmp_path, monkeypatch):
    """~250 rows: two 100-row INSERTs and the rest one by one (residents), families and units
    grouped the same way; every value lands in its own column either way."""
    rows = good_rows(250, seed=5)
    path = write_csv(tmp_path / "w.csv", rows)
    monkeypatch.setattr(writer, "ROWS_PER_STATEMENT", 1)
    with transaction.atomic():
        run(path)
        one_by_one = stored()
        transaction.set_rollback(True)
    assert Resident.objects.count() == 0
    monkeypatch.setattr(writer, "ROWS_PER_STATEMENT", 100)
    run(path)
    assert stored() == one_by_one and len(one_by_one[0]) == len(rows) > 200


def test_a_quote_late_in_the_file_hands_the_rest_to_the_csv_module(tmp_path, monkeypatch):
    """Blocks before the quote are read by polars, the rest (a field over two lines) by the
    csv module: what is stored, and the row numbers of errors, are as if the csv module had
    read the whole file."""
    monkeypatch.setattr(importer, "CHUNK", 2)  # blocks of ~320 bytes
    rows = good_rows(40, seed=3)
    rows[25][COL["tempatlahir"]] = 'Sungai "Raya",\nKubu'
    rows[30][COL["nik"]] = "123"
    path = write_csv(tmp_path / "w.csv", rows)
    source = readers.open_source(path)
    kinds = [frame is not None for _line, frame, _rows in source.blocks(len(OPENSID_HEADER), 320)]
    source.close()
    assert kinds[0] and not kinds[-1]  # polars first, then the csv module
    fails(path)
    report = list(csv.reader((tmp_path / "w.csv.errors.csv").open(encoding="utf-8-sig")))
    # Row 27's line break is refused (a control character) and still counts as one row.
    assert [r[:2] for r in report[1:]] == [["27", "tempatlahir"], ["32", "nik"]]
    with transaction.atomic(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(readers.CsvSource, "blocks", lambda self, width, size: None)
        run(path, "--mode", "valid-only")
        by_csv_module = stored()
        transaction.set_rollback(True)
    run(path, "--mode", "valid-only")
    assert stored() == by_csv_module and len(by_csv_module[0]) == len(rows) - 2
    assert not Resident.objects.filter(nik=rows[25][COL["nik"]]).exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's limit of bound values")
def test_an_sqlite_with_a_low_limit_of_bound_values_gets_smaller_statements(tmp_path):
    """SQLite before 3.32 binds at most 999 values a statement: the import cuts its INSERTs
    and lookups to the connection's limit (here 60: two residents a statement)."""
    import sqlite3

    rows = good_rows(60, seed=8)
    path = write_csv(tmp_path / "w.csv", rows)
    connection.ensure_connection()
    raw = connection.connection
    before = raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 60)
    try:
        run(path)
        assert "0 ditambah" in run(path)  # the second run looks every NIK up, 60 at a time
    finally:
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)
    assert Resident.objects.count() == len(rows)


def test_a_re_import_stores_what_a_fresh_import_of_the_new_file_would(tmp_path):
    """~250 changed rows, updated by id (PostgreSQL: from a staging table): every column
    ends as the file says, and each row's version is 2."""
    rows = good_rows(250, seed=6)
    changed = [list(r) for r in rows]
    for row in changed:
        row[COL["nama"]] += " Baru"
        row[COL["tempatlahir"]] = "Pontianak"
        row[COL["pekerjaan_id"]] = "2"
    path, changed_path = write_csv(tmp_path / "a.csv", rows), write_csv(tmp_path / "b.csv", changed)
    with transaction.atomic():
        run(changed_path)
        as_file_says = stored()
        transaction.set_rollback(True)
    run(path)
    assert stored() != as_file_says
    out = run(changed_path)
    assert f"{len(rows)} diperbarui" in out and "0 ditambah" in out
    assert stored() == as_file_says
    assert set(Resident.objects.values_list("version", flat=True)) == {2}


@pytest.mark.parametrize("mode", ["all-or-nothing", "valid-only"])
def test_bad_text_late_in_a_file_names_its_row_and_saves_nothing(tmp_path, mode):
    """The encoding is decided by the first accented letter (here a UTF-8 "é" in the first
    64 KB); a byte that is not UTF-8 far below is refused with the row it is on, after rows
    before it were parsed: nothing is saved."""
    rows = good_rows(700, seed=4)
    run(write_csv(tmp_path / "first.csv", rows[:10]))
    rows[20][COL["nama"]] = "André"
    before = snapshot()
    buffer = io.StringIO()
    csv.writer(buffer).writerows([OPENSID_HEADER, *rows])
    lines = buffer.getvalue().encode().split(b"\n")
    assert len(b"\n".join(lines[:600])) > 65536
    bad = 650  # file line 651
    lines[bad] = lines[bad].replace(b"Dusun", b"Dus\xffun", 1)
    assert b"\xff" in lines[bad]
    path = tmp_path / "w.csv"
    path.write_bytes(b"\n".join(lines))
    out = fails(path, "--mode", mode)
    assert "Baris 651: berkas bukan teks UTF-8 yang sah" in out
    assert "Tidak ada yang disimpan." in out
    assert snapshot() == before
