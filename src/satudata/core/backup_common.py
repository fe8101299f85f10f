"""What the SQLite and PostgreSQL halves of backups and restores share."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from satudata.env import PRIVATE_DIR, PRIVATE_FILE, make_private


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why in one sentence."""


@dataclass
class Schema:
    """What a backup file holds: its tables and its applied migrations (app, name)."""

    tables: set[str] = field(default_factory=set)
    migrations: set[tuple[str, str]] = field(default_factory=set)


def create_private(path: Path) -> None:
    """Create the new, empty file `path`, readable by this account only (it will hold
    personal data); FileExistsError when it exists."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    make_private(path)
