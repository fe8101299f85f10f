"""`satudata backup` / `restore` round trips lose nothing, even while others write."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import uuid

import pytest

from satudata.core.tests.pg_helpers import PG_ADMIN_URL, postgres_reachable
from satudata.core.tests.sqlite_helpers import sqlite_content, subprocess_environment


def satudata(args, home, **env):
    result = subprocess.run(
        [sys.executable, "-m", "satudata", *args],
        capture_output=True,
        text=True,
        env=subprocess_environment(home, **env),
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.slow
def test_sqlite_backup_while_writing_is_consistent_and_restore_brings_it_all_back(tmp_path):
    satudata(["demo", "--no-serve"], tmp_path)
    live = tmp_path / "satudata.sqlite3"
    stop = threading.Event()

    def writer():
        # Each transaction writes two rows: a consistent copy always holds an even number.
        db = sqlite3.connect(live, timeout=30, isolation_level=None)
        i = 0
        while not stop.is_set():
            db.execute("BEGIN IMMEDIATE")
            for suffix in ("a", "b"):
                db.execute(
                    "INSERT INTO accounts_loginthrottle (username, failures) VALUES (?, 0)",
                    (f"w{i}{suffix}",),
                )
            db.execute("COMMIT")
            i += 1
        db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        backup_file = tmp_path / "copy.sqlite3"
        out = satudata(["backup", str(backup_file)], tmp_path)
    finally:
        stop.set()
        thread.join()
    assert "Cadangan ditulis" in out.stdout
    saved = sqlite_content(backup_file)
    assert len(saved["accounts_loginthrottle"]) % 2 == 0
    assert len(saved["registry_resident"]) > 500
    assert len(saved["regions_region"]) == 91_599

    with sqlite3.connect(live) as db:  # an operator's mistake after the backup
        db.execute("DELETE FROM registry_resident")
        db.execute("UPDATE regions_localunit SET name = name || ' (diubah)'")

    out = satudata(["restore", str(backup_file), "--yes"], tmp_path)
    restored = sqlite_content(live)
    # Plus the restore's own audit entry (it also gives the public cache a new version).
    entries = restored["audit_auditentry"]
    ours = [e for e in entries if e[3:5] == ("restore", "core.backup")]
    assert len(ours) == 1
    entries.remove(ours[0])
    assert restored == saved
    # The mistaken state was kept too, in case the restore itself was the mistake.
    safety = next((tmp_path / "backups").glob("pre-restore-*.sqlite3"))
    assert str(safety) in out.stdout
    assert sqlite_content(safety)["registry_resident"] == []


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(tmp_path):
    satudata(["migrate", "-v0"], tmp_path)
    live = tmp_path / "satudata.sqlite3"
    before = sqlite_content(live)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    environment = {**os.environ, "SATUDATA_HOME": str(tmp_path)}
    environment.pop("DATABASE_URL", None)
    environment["DJANGO_SETTINGS_MODULE"] = "satudata.settings"
    result = subprocess.run(
        [sys.executable, "-m", "satudata", "restore", str(junk), "--yes"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert result.returncode != 0
    assert "bukan cadangan SQLite Satu Data" in result.stderr  # the CLI speaks Indonesian
    assert sqlite_content(live) == before


@pytest.mark.slow
@pytest.mark.skipif(not postgres_reachable(), reason="no PostgreSQL server on 127.0.0.1:5432")
def test_postgres_backup_and_restore_round_trip(tmp_path):
    import psycopg

    name = f"satudata_backup_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://postgres@127.0.0.1:5432/{name}"
    try:
        satudata(["migrate", "-v0"], tmp_path, DATABASE_URL=url)
        with psycopg.connect(url, autocommit=True) as db:
            db.execute(
                "INSERT INTO accounts_agency (slug, name, acronym, description, is_active) "
                "VALUES ('dinkes', 'Dinas Kesehatan', 'Dinkes', '', true)"
            )
        backup_file = tmp_path / "pg.pgdump"
        satudata(["backup", str(backup_file)], tmp_path, DATABASE_URL=url)
        with psycopg.connect(url, autocommit=True) as db:
            db.execute("DELETE FROM accounts_agency")
            db.execute(
                "INSERT INTO accounts_agency (slug, name, acronym, description, is_active) "
                "VALUES ('salah', 'Salah', '', '', true)"
            )
        satudata(["restore", str(backup_file), "--yes"], tmp_path, DATABASE_URL=url)
        with psycopg.connect(url) as db:
            rows = db.execute("SELECT slug, name FROM accounts_agency").fetchall()
            migrations = db.execute("SELECT COUNT(*) FROM django_migrations").fetchone()[0]
        assert rows == [("dinkes", "Dinas Kesehatan")]
        assert migrations > 10
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
