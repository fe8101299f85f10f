"""Where imported rows go: the hamlet/RW/RT units and the families they belong to.

A mixin of `Importer` (it shares the importer's caches: `units`, `unit_ids`, `families`…):
missing units are created level by level and new families from their first row, in bulk.
A fresh import (empty tables) numbers them itself and queues them for the writer thread
(`registry/writer.py`); otherwise they are inserted at once and their ids returned.

Units are found by a key: RW/RT numbers zero-padded ("1" is "001"), hamlet names with case
and spaces ignored (`unit_key`), so "dusun  1" is the village's "Dusun 1". A new hamlet
takes the name of its first row in the file.
"""

from __future__ import annotations

import polars as pl
from django.db import connection

from satudata.audit import services as audit
from satudata.audit.models import AuditEntry
from satudata.regions.models import LocalUnit
from satudata.registry import codes, sqlload


class ChangedMeanwhile(Exception):
    """A resident or card the import read was saved by someone else before the import
    wrote it, or given a head the file gives it too."""


class Placement:
    def _with_units(self, frame: pl.DataFrame) -> pl.DataFrame:
        """`unit_id` of every row; missing hamlets/RWs/RTs created first."""
        keys = ["village", "hamlet", "rw", "rt"]
        paths = frame.select(keys).unique(maintain_order=True).rows()  # ids in file order
        self._ensure_units(paths)
        units = pl.DataFrame(
            [(*key, self.units[key]) for key in paths],
            schema={**dict.fromkeys(keys, pl.Utf8), "unit_id": pl.Int64},
            orient="row",
        )
        return frame.join(units, on=keys, how="left", nulls_equal=True)

    def _with_families(self, frame: pl.DataFrame, writing: bool) -> pl.DataFrame:
        """`family_id` of every row; families new to the database created from their first
        row (village, unit, address)."""
        carded = pl.col("family_number") != ""  # a stored resident without a card stays so
        new = frame.filter(pl.col("family_id").is_null() & carded).unique(
            "family_number", keep="first", maintain_order=True
        )
        if new.height:
            self.new_cards.update(new["family_number"].to_list())
            self.card_units.update(new.select("family_number", "unit_id").iter_rows())
            if writing:
                now = pl.lit(self.now, pl.Utf8)
                rows = new.select(
                    "family_number",
                    pl.col("village").alias("village_id"),
                    "unit_id",
                    "address",
                    pl.lit(False).alias("is_demo"),
                    now.alias("created_at"),
                    now.alias("updated_at"),
                )
                if self.own_ids:
                    ids = pl.Series("id", self.family_ids.take(rows.height), dtype=pl.Int64)
                    written = rows.drop("is_demo", "created_at", "updated_at").with_columns(ids)
                    constants = self.constants["registry_family"]
                    self.pending.append(("registry_family", written, constants))
                    made = zip(rows["family_number"].to_list(), ids.to_list(), strict=True)
                else:
                    made = sqlload.insert_returning("registry_family", rows, key="family_number")
                villages = dict(new.select("family_number", "village").iter_rows())
                for number, pk in made:
                    self.families[number] = (pk, villages[number])
            else:
                for number, village in new.select("family_number", "village").iter_rows():
                    self.families[number] = (0, village)
        numbers = [n for n in frame["family_number"].unique().to_list() if n]
        ids = pl.DataFrame(
            [(n, self.families[n][0]) for n in numbers],
            schema={"family_number": pl.Utf8, "family_id": pl.Int64},
            orient="row",
        )
        return frame.drop("family_id").join(ids, on="family_number", how="left")

    # -- bulk lookups and writes ----------------------------------------------------------

    def _load_families(self, numbers: set[str]) -> None:
        if self.fresh:  # the table was empty: every family is in self.families
            return
        wanted = [n for n in numbers if n not in self.families]
        rows = self._lookup(
            "SELECT family_number, id, village_id, unit_id, address, version "
            "FROM registry_family WHERE deleted_at IS NULL AND family_number IN (%s)",
            wanted,
        )
        for number, pk, village, unit, address, version in rows:
            self.families[number] = (pk, village)
            self.family_places[number] = (unit, address)
            self.family_versions[number] = version

    def _update_family_places(self, frame: pl.DataFrame, writing: bool) -> None:
        """Stored cards take the RT and address of their head's row in the file (once per
        import): a re-import moved the members to the new RT and left the card at the old
        one. A blank address, or a place the stored RT lies in (a blank RT under the same
        RW), keeps what is stored; a card whose head is not in the file keeps its place."""
        if not self.family_places:
            return  # no stored card in the import (a first import)
        heads = frame.filter(pl.col("relationship") == codes.HEAD).select(
            "family_number", "family_id", "village", "unit_id", "address"
        )
        moving = []
        for number, pk, village, unit, address in heads.iter_rows():
            if number not in self.family_places or number in self.placed_cards:
                continue
            self.placed_cards.add(number)
            old_unit, old_address = self.family_places[number]
            if unit in (None, old_unit) and address in ("", old_address):
                continue  # the usual re-import: nothing to look up
            moving.append((number, pk, village, unit, address))
        inside = self.unit_ancestors(
            self.family_places[number][0] for number, _pk, _v, unit, _a in moving if unit
        )
        changed = []
        for number, pk, village, unit, address in moving:
            old_unit, old_address = self.family_places[number]
            kept = unit is None or unit in inside.get(old_unit, ())
            new = (old_unit if kept else unit, address or old_address)
            if new != (old_unit, old_address):
                changed.append((number, pk, village, (old_unit, old_address), new))
                self.family_places[number] = new
        self.report.families_updated += len(changed)
        if not changed or not writing:
            return
        written = sqlload.update_by_id(
            "registry_family",
            pl.DataFrame(
                [
                    (pk, *new, self.now, self.family_versions[number])
                    for number, pk, _v, _old, new in changed
                ],
                schema={
                    "id": pl.Int64,
                    "unit_id": pl.Int64,
                    "address": pl.Utf8,
                    "updated_at": pl.Utf8,
                    "old_version": pl.Int64,
                },
                orient="row",
            ),
            bump="version",
            guard="old_version",
        )
        if written != len(changed):
            # An operator moved one of these cards after the import read it: the file's
            # place would undo that unseen (QA), and the history would name a wrong before.
            raise ChangedMeanwhile
        fields = ("unit_id", "address")  # as a resident's entries name them
        AuditEntry.objects.bulk_create(
            audit.unsaved_entry(
                self.actor,
                AuditEntry.Action.UPDATE,
                "registry.family",
                pk,
                number,
                village,
                before={f: o for f, o, n in zip(fields, old, new, strict=True) if o != n},
                after={f: n for f, o, n in zip(fields, old, new, strict=True) if o != n},
            )
            for number, pk, village, old, new in changed
        )

    def _note_members_elsewhere(self, frame: pl.DataFrame) -> None:
        """Count the rows that place a card member in another RT than the card's. Accepted
        (OpenSID files often list a member at another RT than the card), but named in a
        warning: on the forms a member lives in the card's RT."""
        numbers = [n for n in frame["family_number"].unique().to_list() if n]
        units = [
            (n, self.family_places[n][0] if n in self.family_places else self.card_units.get(n))
            for n in numbers
        ]
        cards = pl.DataFrame(
            units, schema={"family_number": pl.Utf8, "card_unit": pl.Int64}, orient="row"
        )
        elsewhere = frame.join(cards, on="family_number").filter(
            pl.col("unit_id").is_not_null()
            & pl.col("card_unit").is_not_null()
            & (pl.col("unit_id") != pl.col("card_unit"))
        )
        if elsewhere.height:
            self.members_elsewhere += elsewhere.height
            room = 5 - len(self.members_elsewhere_lines)
            self.members_elsewhere_lines += elsewhere["_line"].head(max(room, 0)).to_list()

    def unit_ancestors(self, unit_ids) -> dict[int, set[int]]:
        """unit id -> the ids of the RW and hamlet it lies in (an RT's RW and hamlet)."""
        ids = sorted({u for u in unit_ids if u})
        found: dict[int, set[int]] = {}
        for start in range(0, len(ids), 900):
            rows = LocalUnit.objects.filter(pk__in=ids[start : start + 900]).values_list(
                "pk", "parent_id", "parent__parent_id"
            )
            for pk, parent, grandparent in rows:
                found[pk] = {u for u in (parent, grandparent) if u is not None}
        return found

    def _keep_stored_units(self, updates: pl.DataFrame) -> pl.DataFrame:
        """A stored resident keeps their RT when the file's place is blank or one the RT lies
        in (a blank RT under the same RW): a file never erases what a record held."""
        moved = updates["unit_id"].ne_missing(updates["old_unit_id"])
        if not moved.any():
            return updates  # the usual re-import: every RT as stored
        old = updates.filter(moved)["old_unit_id"].drop_nulls().unique().to_list()
        pairs = [(u, a) for u, above in self.unit_ancestors(old).items() for a in above]
        inside = pl.DataFrame(
            pairs, schema={"old_unit_id": pl.Int64, "unit_id": pl.Int64}, orient="row"
        ).with_columns(pl.lit(True).alias("_inside"))
        joined = updates.join(inside, on=["old_unit_id", "unit_id"], how="left")
        keep = pl.col("unit_id").is_null() | pl.col("_inside").fill_null(False)
        return joined.with_columns(
            pl.when(keep).then(pl.col("old_unit_id")).otherwise(pl.col("unit_id")).alias("unit_id")
        ).drop("_inside")

    def _ensure_units(self, keys: list[tuple]) -> None:
        """Units of a chunk's (village, hamlet, rw, rt) keys: missing ones created level by
        level, one INSERT each."""
        paths = {key: _unit_path(key) for key in keys if key not in self.units}
        if not paths:
            return
        for village in {key[0] for key in paths}:
            if village not in self.units_loaded:
                self._load_units(village)
        parents: dict[tuple, int | None] = dict.fromkeys(paths)
        for depth in range(3):
            wanted: dict[tuple, tuple] = {}  # key -> the unit to insert, named by its first row
            for key, path in paths.items():
                if len(path) > depth:
                    level, name = path[depth]
                    found = (key[0], parents[key], level, unit_key(level, name))
                    if found not in self.unit_ids:
                        wanted.setdefault(found, (key[0], parents[key], level, name))
            if wanted:
                made = self._insert_units(list(wanted.values()))
                for found, pk in zip(wanted, made, strict=True):
                    self.unit_ids[found] = pk
            for key, path in paths.items():
                if len(path) > depth:
                    level, name = path[depth]
                    parents[key] = self.unit_ids[
                        (key[0], parents[key], level, unit_key(level, name))
                    ]
        self.units.update(parents)

    def _insert_units(self, units: list[tuple]) -> list[int]:
        """Ids of new (village, parent, level, name) units, in order. A multi-row INSERT …
        RETURNING, as bulk_create does, without the ORM's ~0.5 ms an object."""
        if self.own_ids:
            ids = self.unit_id_block.take(len(units))
            village, parent, level, name = zip(*units, strict=True)
            rows = {"id": ids, "village_id": village, "parent_id": parent, "level": level}
            frame = pl.DataFrame(
                {**rows, "name": name},
                schema={
                    "id": pl.Int64,
                    "village_id": pl.Utf8,
                    "parent_id": pl.Int64,
                    "level": pl.Utf8,
                    "name": pl.Utf8,
                },
            )
            self.pending.append(("regions_localunit", frame, {"created_at": self.now}))
            return ids
        ids = []
        with connection.cursor() as cursor:
            for start in range(0, len(units), 1000):
                part = units[start : start + 1000]
                values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(part))
                cursor.execute(
                    "INSERT INTO regions_localunit (village_id, parent_id, level, name, "  # noqa: S608
                    f"created_at) VALUES {values} RETURNING id",
                    [value for unit in part for value in (*unit, self.now)],
                )
                ids.extend(pk for (pk,) in cursor.fetchall())
        return ids

    def _load_all_units(self) -> None:
        """A fresh import queries nothing while loading: every village's units up front."""
        for pk, village, parent, level, name in LocalUnit.objects.order_by("id").values_list(
            "id", "village_id", "parent_id", "level", "name"
        ):
            self.unit_ids.setdefault((village, parent, level, unit_key(level, name)), pk)
        self.units_loaded.update(self.villages)

    def _load_units(self, village: str) -> None:
        """Every unit of the village in one query; units are created only when missing."""
        self.units_loaded.add(village)
        units = LocalUnit.objects.filter(village_id=village).order_by("id")
        for pk, parent, level, name in units.values_list("id", "parent_id", "level", "name"):
            # Two units of one key (made before keys ignored case): the oldest is used.
            self.unit_ids.setdefault((village, parent, level, unit_key(level, name)), pk)


def unit_key(level: str, name: str) -> str:
    """What identifies a unit among its siblings: a hamlet's name with case and runs of
    spaces ignored; an RW's or RT's zero-padded number (as `_unit_path` and the registry's
    forms give it) as it is."""
    if level == "hamlet":
        return " ".join(name.split()).casefold()
    return name


def _unit_path(key: tuple[str, str, str, str]) -> list[tuple[str, str]]:
    """(level, name) from the hamlet down: RW/RT numbers zero-padded, an RT only under an RW."""
    _village, hamlet, rw, rt = key
    path: list[tuple[str, str]] = []
    for level, name in (("hamlet", hamlet), ("rw", rw), ("rt", rt)):
        if not name:
            continue
        if level in ("rw", "rt"):
            if not (name.isascii() and name.isdigit() and int(name) <= 999):
                continue  # refused by the row's checks (validation.place_problems)
            name = str(int(name)).zfill(3)  # "1", "01" and "0001" are all RT 001
        if level == "rt" and (not path or path[-1][0] != "rw"):
            break
        path.append((level, name))
    return path
