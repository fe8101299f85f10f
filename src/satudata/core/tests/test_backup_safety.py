"""`satudata restore` refuses what it cannot restore, loses no acknowledged write, leaves a
database `satudata migrate` can bring up to date, forgets cached pages, brings the uploaded
files back, and everything it writes is private (operations QA, findings 1, 2, 4, 5, 6, 11)."""

from __future__ import annotations

import json
import sqlite3
import stat
import subprocess
import tarfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from satudata.core.tests.pg_helpers import postgres_reachable, scratch_database
from satudata.core.tests.sqlite_helpers import (
    SATUDATA,
    prepared_home,
    sqlite_content,
    subprocess_environment,
)
from satudata.core.tests.test_demo_serving import free_port, wait_for


def run(args, home, **env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [*SATUDATA, *args],
        capture_output=True,
        text=True,
        env=subprocess_environment(home, **env),
        timeout=600,
    )


def ok(args, home, **env) -> subprocess.CompletedProcess:
    result = run(args, home, **env)
    assert result.returncode == 0, result.stderr
    return result


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def pre_restore_copies(home: Path) -> list[Path]:
    return sorted((home / "backups").glob("pre-restore-*")) if (home / "backups").exists() else []


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A migrated data folder and a backup of it, copied by each test that changes it."""
    home = tmp_path_factory.mktemp("migrated")
    ok(["migrate", "-v0"], home)
    ok(["backup", str(home / "good.sqlite3")], home)
    return home


def fresh_home(migrated: Path, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    source = sqlite3.connect(migrated / "satudata.sqlite3")
    target = sqlite3.connect(home / "satudata.sqlite3")
    source.backup(target)
    target.close()
    source.close()
    return home


def refused(home: Path, backup: Path) -> str:
    live = home / "satudata.sqlite3"
    before = sqlite_content(live)
    result = run(["restore", str(backup), "--yes"], home)
    assert result.returncode != 0
    assert sqlite_content(live) == before
    assert pre_restore_copies(home) == []  # checked before anything was copied
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


def test_a_sqlite_file_without_the_portals_tables_is_refused(migrated, tmp_path):
    home = fresh_home(migrated, tmp_path)
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE t (x)")
    assert "bukan cadangan Satu Data" in refused(home, foreign)


def test_a_damaged_backup_is_refused_in_one_sentence(migrated, tmp_path):
    home = fresh_home(migrated, tmp_path)
    damaged = tmp_path / "damaged.sqlite3"
    raw = bytearray((migrated / "good.sqlite3").read_bytes())
    for offset in range(8192, len(raw) - 4096, 4096):  # every page but the first two
        raw[offset + 100 : offset + 400] = b"\xff" * 300
    damaged.write_bytes(bytes(raw))
    assert "rusak" in refused(home, damaged)


def test_a_backup_of_a_newer_version_is_refused(migrated, tmp_path):
    home = fresh_home(migrated, tmp_path)
    newer = tmp_path / "newer.sqlite3"
    newer.write_bytes((migrated / "good.sqlite3").read_bytes())
    with sqlite3.connect(newer) as db:
        db.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('registry', '9999_from_the_future', '2030-01-01')"
        )
    message = refused(home, newer)
    assert "versi Satu Data yang lebih baru" in message
    assert "registry.9999_from_the_future" in message


def test_an_older_backup_restores_into_a_clean_schema_and_migrate_finishes_it(tmp_path):
    old_home, home = tmp_path / "old", tmp_path / "new"
    ok(["migrate", "-v0"], old_home)
    ok(["migrate", "feedback", "0001", "-v0"], old_home)  # as an older version left it
    ok(["backup", str(tmp_path / "old.sqlite3")], old_home)
    ok(["migrate", "-v0"], home)

    out = ok(["restore", str(tmp_path / "old.sqlite3"), "--yes"], home).stdout
    assert "satudata migrate" in out
    with sqlite3.connect(home / "satudata.sqlite3") as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "feedback_addressattempt" not in tables  # the newer table went with the schema
    assert run(["check"], home).returncode != 0  # migrations pending
    ok(["migrate", "-v0"], home)
    ok(["check"], home)


def test_backups_and_the_data_folder_are_private_even_when_made_loose_before(migrated, tmp_path):
    home = fresh_home(migrated, tmp_path)
    (home / "backups").mkdir()
    old = home / "backups" / "old.sqlite3"
    old.write_bytes(b"an earlier backup")
    for path, loose in ((home, 0o755), (home / "backups", 0o755), (old, 0o644)):
        path.chmod(loose)
    (home / "satudata.sqlite3").chmod(0o644)

    ok(["backup", str(home / "backups" / "new.sqlite3")], home)
    new = home / "backups" / "new.sqlite3"
    for folder in (home, home / "backups"):
        assert mode(folder) == 0o700, folder
    for file in (old, new, home / "satudata.sqlite3", *home.glob("backups/new.sqlite3.*")):
        assert mode(file) == 0o600, file
    assert {p.name for p in home.glob("backups/new.sqlite3*")} == {
        "new.sqlite3",
        "new.sqlite3.json",
        "new.sqlite3.media.tar",
    }  # no empty -wal or -shm beside the backup

    ok(["restore", str(new), "--yes"], home)
    for file in pre_restore_copies(home):
        assert mode(file) == 0o600, file


def test_media_files_are_in_the_backup_and_come_back_with_it(migrated, tmp_path):
    home = fresh_home(migrated, tmp_path)
    photo = home / "media" / "feedback" / "2026" / "foto.png"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"photo of a broken road")
    ok(["backup", str(tmp_path / "b.sqlite3")], home)
    manifest = json.loads((tmp_path / "b.sqlite3.json").read_text())
    assert manifest["media"]["files"] == 1

    photo.unlink()
    later = home / "media" / "feedback" / "2026" / "later.png"
    later.write_bytes(b"sent after the backup")
    ok(["restore", str(tmp_path / "b.sqlite3"), "--yes"], home)
    assert photo.read_bytes() == b"photo of a broken road"
    assert not later.exists()
    # The pre-restore copy keeps the media folder as it was, the later photo included.
    kept = next(p for p in pre_restore_copies(home) if p.name.endswith(".media.tar"))
    with tarfile.open(kept) as tar:
        assert tar.getnames() == ["feedback/2026/later.png"]


def test_no_write_acknowledged_during_a_restore_is_lost(tmp_path):
    home = tmp_path / "home"
    prepared_home(home, "62")  # some thousands of regions: the restore takes a while
    backup = tmp_path / "b.sqlite3"
    ok(["backup", str(backup)], home)
    acknowledged: list[str] = []
    stop = threading.Event()

    def writer():
        db = sqlite3.connect(home / "satudata.sqlite3", timeout=60, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        i = 0
        while not stop.is_set():
            name = f"writer{i}"
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "INSERT INTO accounts_loginthrottle (username, failures) VALUES (?, 0)", (name,)
            )
            db.execute("COMMIT")
            acknowledged.append(name)  # the portal has answered 200 now
            i += 1
        db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(0.5)
        ok(["restore", str(backup), "--yes"], home)
        time.sleep(0.5)
    finally:
        stop.set()
        thread.join()
    assert len(acknowledged) > 50
    (safety,) = [p for p in pre_restore_copies(home) if p.suffix == ".sqlite3"]
    kept = set()
    for database in (safety, home / "satudata.sqlite3"):
        with sqlite3.connect(database) as db:
            kept |= {r[0] for r in db.execute("SELECT username FROM accounts_loginthrottle")}
    assert [name for name in acknowledged if name not in kept] == []


VILLAGE = "62.01.02.2016"


def _audited_change(database: Path, sql: str, params=()) -> None:
    """A change as the portal's services make it: with its audit entry."""
    with sqlite3.connect(database) as db:
        db.execute(sql, params)
        db.execute(
            "INSERT INTO audit_auditentry (at, actor_label, action, model_label, object_pk, "
            "object_repr, region_code) VALUES (datetime('now'), 't', 'update', 'x.y', '1', "
            "'x', '')"
        )


@pytest.mark.slow
def test_a_page_changed_by_a_restore_is_not_served_from_the_cache(tmp_path):
    home = tmp_path / "home"
    environment = prepared_home(home, "62")
    database = home / "satudata.sqlite3"
    backup = tmp_path / "b.sqlite3"
    ok(["backup", str(backup)], home)
    _audited_change(
        database,
        "INSERT INTO regions_localunit (level, name, created_at, village_id) "
        "VALUES ('hamlet', 'Dusun STALE', datetime('now'), ?)",
        (VILLAGE,),
    )
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [*SATUDATA, "serve", "--port", str(port), "--workers", "1"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/regions/{VILLAGE}/"
    try:
        wait_for(url, server, 120)

        def page() -> str:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
                return response.read().decode()

        assert "Dusun STALE" in page()  # and now cached
        ok(["restore", str(backup), "--yes"], home)
        # Any later change: without the restore's own entry its audit id would be the one
        # the page was cached under.
        _audited_change(database, "UPDATE accounts_agency SET name = name")
        assert "Dusun STALE" not in page()
    finally:
        server.terminate()
        server.wait(timeout=60)


def test_the_photo_of_a_feedback_whose_file_is_gone_is_not_found(clients, db):
    from satudata.conftest import VILLAGE_A
    from satudata.feedback import services
    from satudata.regions.models import Region

    item = services.submit(
        category="complaint", text="Lampu mati.", village=Region.objects.get(code=VILLAGE_A)
    )
    item.photo = "feedback/2026/11/gone.png"  # not in media/ (not copied to this server)
    item.save(update_fields=["photo"])
    response = clients["operator_a"].get(f"/feedback/{item.pk}/photo/")
    assert response.status_code == 404


# PostgreSQL: the same promises, with pg_dump and pg_restore.


def _dump_rows(dump: Path, table: str) -> list[str]:
    """The rows of `table` in a pg_dump file, as COPY text lines."""
    out = subprocess.run(  # noqa: S603
        ["pg_restore", "--data-only", f"--table={table}", "--file=-", str(dump)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    start = next(i for i, line in enumerate(out) if line.startswith("COPY "))
    return out[start + 1 : out.index("\\.", start)]


needs_postgres = pytest.mark.skipif(
    not postgres_reachable(), reason="no PostgreSQL server on 127.0.0.1:5432"
)


@needs_postgres
def test_postgres_refuses_a_dump_of_another_database_and_changes_nothing(tmp_path):
    import psycopg

    with scratch_database("bkfix") as url, scratch_database("bkfix") as other:
        ok(["migrate", "-v0"], tmp_path, DATABASE_URL=url)
        with psycopg.connect(other, autocommit=True) as db:
            db.execute("CREATE TABLE t (x int)")
        ok(["backup", str(tmp_path / "other.pgdump")], tmp_path, DATABASE_URL=other)
        truncated = tmp_path / "truncated.pgdump"
        ok(["backup", str(tmp_path / "good.pgdump")], tmp_path, DATABASE_URL=url)
        raw = (tmp_path / "good.pgdump").read_bytes()
        truncated.write_bytes(raw[: len(raw) * 2 // 3])
        for file, words in (("other.pgdump", "bukan cadangan Satu Data"), (truncated, "rusak")):
            result = run(["restore", str(tmp_path / file), "--yes"], tmp_path, DATABASE_URL=url)
            assert result.returncode != 0
            assert words in result.stderr
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert pre_restore_copies(tmp_path) == []
        with psycopg.connect(url) as db:
            assert db.execute("SELECT COUNT(*) FROM django_migrations").fetchone()[0] > 10


@needs_postgres
def test_postgres_older_backup_restores_into_a_clean_schema_and_migrate_finishes_it(tmp_path):
    with scratch_database("bkfix") as url, scratch_database("bkfix") as old:
        ok(["migrate", "-v0"], tmp_path, DATABASE_URL=old)
        ok(["migrate", "feedback", "0001", "-v0"], tmp_path, DATABASE_URL=old)
        ok(["backup", str(tmp_path / "old.pgdump")], tmp_path, DATABASE_URL=old)
        ok(["migrate", "-v0"], tmp_path, DATABASE_URL=url)
        out = ok(["restore", str(tmp_path / "old.pgdump"), "--yes"], tmp_path, DATABASE_URL=url)
        assert "satudata migrate" in out.stdout
        ok(["migrate", "-v0"], tmp_path, DATABASE_URL=url)  # no "relation already exists"
        ok(["check"], tmp_path, DATABASE_URL=url)


@needs_postgres
def test_postgres_restore_loses_no_acknowledged_write_and_counts_match_the_dump(tmp_path):
    import psycopg

    with scratch_database("bkfix") as url:
        ok(["migrate", "-v0"], tmp_path, DATABASE_URL=url)
        acknowledged: list[str] = []
        stop = threading.Event()

        def writer():
            with psycopg.connect(url, autocommit=True) as db:
                i = 0
                while not stop.is_set():
                    name = f"writer{i}"
                    try:
                        db.execute(
                            "INSERT INTO accounts_loginthrottle (username, failures) "
                            "VALUES (%s, 0)",
                            (name,),
                        )
                    except psycopg.Error:
                        continue  # the table was being replaced: not acknowledged
                    acknowledged.append(name)
                    i += 1

        thread = threading.Thread(target=writer)
        thread.start()
        try:
            time.sleep(0.5)
            ok(["backup", str(tmp_path / "b.pgdump")], tmp_path, DATABASE_URL=url)
            time.sleep(0.5)
            ok(["restore", str(tmp_path / "b.pgdump"), "--yes"], tmp_path, DATABASE_URL=url)
            time.sleep(0.5)
        finally:
            stop.set()
            thread.join()
        manifest = json.loads((tmp_path / "b.pgdump.json").read_text())
        rows = _dump_rows(tmp_path / "b.pgdump", "accounts_loginthrottle")
        assert manifest["tables"]["accounts_loginthrottle"] == len(rows) > 0
        (safety,) = [p for p in pre_restore_copies(tmp_path) if p.suffix == ".pgdump"]
        kept = {row.split("\t")[1] for row in _dump_rows(safety, "accounts_loginthrottle")}
        with psycopg.connect(url) as db:
            kept |= {r[0] for r in db.execute("SELECT username FROM accounts_loginthrottle")}
        assert len(acknowledged) > 50
        assert [name for name in acknowledged if name not in kept] == []
