"""Ctrl+C during `satudata import residents`: one clear sentence, and nothing saved."""

from __future__ import annotations

import signal
import sqlite3

from satudata.conftest import VILLAGE_A
from satudata.core.tests.sqlite_helpers import prepared_home, start_import
from satudata.registry.synthetic import Generator, opensid_rows
from satudata.registry.tests.helpers import write_opensid_file


def test_ctrl_c_cancels_the_import_and_leaves_the_registry_empty(tmp_path):
    environment = prepared_home(tmp_path, "62.01.02")
    rows = opensid_rows(Generator(8).families([VILLAGE_A], 150_000))
    upload = write_opensid_file(tmp_path / "warga.csv", rows)
    importing = start_import(environment, upload, VILLAGE_A)
    progress = importing.stderr.readline()  # the first line of progress: rows are loading
    assert "baris" in progress, progress
    importing.send_signal(signal.SIGINT)
    out, err = importing.communicate(timeout=300)
    assert importing.returncode == 130, (out, err)
    assert "Impor dibatalkan (Ctrl+C) sebelum selesai; tidak ada yang disimpan." in err
    assert "Traceback" not in err
    with sqlite3.connect(tmp_path / "satudata.sqlite3") as db:
        for table in ("registry_resident", "registry_family", "registry_importjob"):
            assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone() == (0,)  # noqa: S608
