"""One living head per family card, for an import: checked within the file and against the
heads the registry already holds (the forms refuse the same: a second head, or a head who
stops being one while nobody takes over).

Rows are checked a chunk at a time. A head change in the file (the new head, and the old head
with another relationship) is accepted when both rows are in the same chunk; an export lists a
card's members together, so only a card whose rows a chunk's edge (about 20,000 rows) cuts
apart is refused needlessly, in either order, and the message says how to import it.
"""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext as _

from satudata.registry import codes
from satudata.registry.validation import named

ALIVE, DEAD = 1, 2  # Resident.Status

# From the cards named (the KK number's index), then their members (the family index).
STORED_HEADS = (
    "SELECT f.family_number, r.nik, r.name FROM registry_family f "
    "JOIN registry_resident r ON r.family_id = f.id "
    "AND r.deleted_at IS NULL AND r.status = 1 AND r.relationship = 1 "
    "WHERE f.deleted_at IS NULL AND f.family_number IN (%s)"
)


def _was_head_here() -> pl.Expr:
    """The row's stored record is the living head of the card the row puts it on."""
    return (
        pl.col("held_id").is_not_null()
        & (pl.col("old_relationship") == codes.HEAD)
        & (pl.col("old_status") == ALIVE)
        # A card both before and after (null when either is missing: no card, no head).
        & (pl.col("family_id") == pl.col("old_family_id")).fill_null(False)
    )


def keep_one_head(importer, accepted: pl.DataFrame) -> pl.DataFrame:
    """The chunk's accepted rows without those that would give a card two living heads or
    none; each refused row gets its message in the error file."""
    head = (pl.col("relationship") == codes.HEAD) & (pl.col("status") == ALIVE)
    rows = accepted.with_columns(head.alias("_head"), _was_head_here().alias("_was_head"))
    refused: list[int] = []
    column = "kk_level" if "nama" in importer.positions_header else "relationship"

    def refuse(line: int, message: str) -> None:
        refused.append(line)
        importer._reject(line, column, codes.HEAD, named("relationship", message))

    # A stored living head whose row in the file is alive but no longer head, on the same
    # card (a death is not a demotion: the form records it too, and the card waits for a
    # change of head). Accepted when the file names the card's new head.
    demoting = rows.filter(pl.col("_was_head") & ~pl.col("_head") & (pl.col("status") != DEAD))
    in_chunk = set(rows.filter("_head")["family_number"].to_list()) if demoting.height else ()
    for line, nik, number, name in demoting.select(
        "_line", "nik", "family_number", "name"
    ).iter_rows():
        if number in importer.heads or number in in_chunk:
            importer.demoted.add(nik)
        else:
            refuse(
                line,
                _(
                    "%(name)s heads family card %(kk)s in the registry; give the card its new "
                    "head in this file too, or change the head on the family's page first."
                )
                % {"name": name, "kk": number},
            )

    stored = _stored_heads(importer, rows)
    heads = rows.filter("_head").select("_line", "nik", "family_number")
    numbers = heads["family_number"].to_list()
    if (
        not stored
        and len(set(numbers)) == len(numbers)
        and importer.heads.keys().isdisjoint(numbers)
    ):
        # The usual chunk: each card's first head, none stored: nothing to refuse.
        importer.heads.update(zip(numbers, heads["_line"].to_list(), strict=True))
        return accepted.filter(~pl.col("_line").is_in(refused)) if refused else accepted
    for line, nik, number in heads.iter_rows():
        first = importer.heads.setdefault(number, line)
        holder = stored.get(number)
        if first != line:
            refuse(
                line,
                _("family card %(kk)s already has its head in row %(row)d.")
                % {"kk": number, "row": first},
            )
        elif holder and holder[0] != nik and holder[0] not in importer.demoted:
            del importer.heads[number]
            refuse(
                line,
                _(
                    "family card %(kk)s already has a living head in the registry, %(name)s; "
                    "list them in this file with their new relationship, or change the head "
                    "on the family's page first."
                )
                % {"kk": number, "name": holder[1]},
            )
    if not refused:
        return accepted
    return accepted.filter(~pl.col("_line").is_in(refused))


def _stored_heads(importer, rows: pl.DataFrame) -> dict[str, tuple[str, str]]:
    """KK number -> (NIK, name) of the living head the registry holds, for the cards of the
    chunk's head rows that exist already and are not that card's head already (none in a
    fresh import, whose tables were empty, and none in a re-import of an unchanged file)."""
    if importer.fresh:
        return {}
    named = rows.filter(pl.col("_head") & pl.col("family_id").is_not_null() & ~pl.col("_was_head"))
    numbers = named["family_number"].unique().to_list()
    if not numbers:
        return {}
    found = importer._lookup(STORED_HEADS, numbers)
    return {number: (nik, name) for number, nik, name in found}
