"""The uploaded files (MEDIA_ROOT: citizens' feedback photos, import error files) in a
backup: a tar beside the database's file, named in its manifest, brought back by restore.

Dataset files, map layers and letters live in the database; these do not, and a restored
feedback without its photo (or a photo of a feedback the restore removed) is not a restore.
The tar is written after the database's copy: a photo is saved before its row, so every
row of the copy finds its file (a newer photo in the tar is harmless)."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from satudata.core.backup_common import BackupError, create_private
from satudata.env import PRIVATE_DIR, make_private


def archive_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".media.tar")


def archive(backup: Path) -> dict:
    """Write the media folder beside `backup`; what the manifest says about it."""
    media = Path(settings.MEDIA_ROOT)
    target = archive_path(backup)
    create_private(target)
    files = size = 0
    with tarfile.open(target, "w") as tar:
        for path in sorted(media.rglob("*")) if media.is_dir() else []:
            if path.is_symlink() or not path.is_file():
                continue
            try:
                tar.add(path, arcname=path.relative_to(media).as_posix(), recursive=False)
            except FileNotFoundError:
                continue  # removed meanwhile (an import's upload, deleted when it ends)
            files += 1
            size += path.stat().st_size
    make_private(target)
    return {"file": target.name, "files": files, "bytes": size}


def check(backup: Path) -> bool:
    """Whether `backup` has a readable media archive (False: none; BackupError: damaged),
    found out before anything is changed."""
    source = archive_path(backup)
    if not source.is_file():
        return False
    try:
        with tarfile.open(source) as tar:
            tar.getmembers()
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(
            _("The media archive %(path)s is damaged; nothing was changed.") % {"path": source}
        ) from exc
    return True


def restore(backup: Path) -> None:
    """Replace the media folder with the archive beside `backup` (check() said there is one).
    Unpacked beside it first, then swapped in by renaming."""
    media = Path(settings.MEDIA_ROOT)
    staging = media.with_name(media.name + ".restoring")
    replaced = media.with_name(media.name + ".replaced")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(replaced, ignore_errors=True)
    staging.mkdir(mode=PRIVATE_DIR, parents=True)
    with tarfile.open(archive_path(backup)) as tar:
        # "data": no absolute paths, no .., no links out, no device files.
        tar.extractall(staging, filter="data")
    if media.exists():
        media.rename(replaced)
    staging.rename(media)
    shutil.rmtree(replaced, ignore_errors=True)
