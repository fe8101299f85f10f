"""`satudata flush` (and `migrate APP zero`) are refused on the command line (QA, tenth
session: `satudata flush --no-input` emptied every table with no copy kept); going back goes
through `satudata restore`, which saves the current data first."""

import sqlite3

from satudata.core.tests.test_cli import run

REFUSED = "akan menghapus data secara menyeluruh tanpa salinan, jadi tidak dijalankan."


def _agencies(home) -> int:
    with sqlite3.connect(home / "satudata.sqlite3") as db:
        return db.execute("SELECT COUNT(*) FROM accounts_agency").fetchone()[0]


def test_flush_and_migrate_zero_are_refused_and_nothing_is_erased(tmp_path):
    assert run(["migrate", "-v0"], tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "satudata.sqlite3") as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(accounts_agency)")][1:]
        values = {"is_active": 1, "slug": "dinkes", "name": "Dinas Kesehatan"}
        db.execute(
            f"INSERT INTO accounts_agency ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({', '.join('?' * len(columns))})",
            [values.get(c, "") for c in columns],
        )
    for args in (["flush", "--no-input"], ["migrate", "registry", "zero", "--no-input"]):
        result = run(args, tmp_path)
        assert result.returncode == 2, result.stdout
        assert result.stderr.strip() == (
            f"satudata: “satudata {' '.join(args)}” {REFUSED} Untuk kembali ke keadaan "
            "sebelumnya, pulihkan cadangan: satudata restore BERKAS (data saat ini disimpan "
            "dulu); buat cadangan dengan satudata backup."
        )
        assert _agencies(tmp_path) == 1
    # Printing the SQL erases nothing: still allowed.
    printed = run(["sqlflush"], tmp_path)
    assert printed.returncode == 0 and "accounts_agency" in printed.stdout
    assert _agencies(tmp_path) == 1


def test_refused_before_the_database_is_reached(tmp_path):
    """On PostgreSQL too, and before any connection: the refusal, not "cannot be reached"."""
    url = "postgres://nobody@127.0.0.1:1/nothing"
    result = run(["flush", "--no-input"], tmp_path, DATABASE_URL=url)
    assert result.returncode == 2
    assert REFUSED in result.stderr and "tidak dapat dihubungi" not in result.stderr
