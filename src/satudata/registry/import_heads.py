"""One living head per family card, for an import: checked within the file and against the
heads the registry already holds (the forms refuse the same: a second head, or a head who
stops being one while nobody takes over).

Rows are checked a chunk at a time. A head change in the file (the new head, and the old head
with another relationship) is accepted when both rows are in the same chunk; an export lists a
card's members together, so only a card whose rows a chunk's edge (about 20,000 rows) cuts
apart is refused needlessly, in either order, and the message says how to import it.

A stored head whose row puts them on another card leaves their card (as pindah KK does on the
form): accepted when the file names that card's new head (in this chunk or an earlier one),
or when none of its other living members stays on it (the file, in this chunk or an earlier
one, puts each on another card or records them as no longer living). Its members listed only
after a chunk's edge make the row refused needlessly, as above.
"""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext as _

from satudata.registry import codes
from satudata.registry.import_rules import card_changed
from satudata.registry.validation import named

ALIVE, DEAD = 1, 2  # Resident.Status

# From the cards named (the KK number's index), then their members (the family index).
STORED_HEADS = (
    "SELECT f.family_number, r.nik, r.name FROM registry_family f "
    "JOIN registry_resident r ON r.family_id = f.id "
    "AND r.deleted_at IS NULL AND r.status = 1 AND r.relationship = 1 "
    "WHERE f.deleted_at IS NULL AND f.family_number IN (%s)"
)

# The cards heads leave, by id: their KK numbers and living members (none: one null row).
LEFT_CARDS = (
    "SELECT f.id, f.family_number, r.id FROM registry_family f "
    "LEFT JOIN registry_resident r ON r.family_id = f.id "
    "AND r.deleted_at IS NULL AND r.status = 1 WHERE f.id IN (%s)"
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


def _leaving() -> pl.Expr:
    """The row's stored record is the living head of a card, and the row puts it on another
    (a new KK number has no `family_id` yet)."""
    return (
        pl.col("held_id").is_not_null()
        & (pl.col("old_relationship") == codes.HEAD)
        & (pl.col("old_status") == ALIVE)
        & pl.col("old_family_id").is_not_null()
        & card_changed()
    ).fill_null(False)


def keep_one_head(importer, accepted: pl.DataFrame) -> pl.DataFrame:
    """The chunk's accepted rows without those that would give a card two living heads or
    none; each refused row gets its message in the error file."""
    head = (pl.col("relationship") == codes.HEAD) & (pl.col("status") == ALIVE)
    rows = accepted.with_columns(
        head.alias("_head"), _was_head_here().alias("_was_head"), _leaving().alias("_leaving")
    )
    refused: list[int] = []
    column = "kk_level" if "nama" in importer.positions_header else "relationship"

    def refuse(line: int, message: str) -> None:
        refused.append(line)
        importer._reject(line, column, codes.HEAD, named("relationship", message))

    leaving = rows.filter("_leaving")
    left = _left_cards(importer, leaving)

    # A stored living head whose row in the file is alive but no longer head, on the same
    # card (a death is not a demotion: the form records it too, and the card waits for a
    # change of head). Accepted when the file names the card's new head.
    demoting = rows.filter(pl.col("_was_head") & ~pl.col("_head") & (pl.col("status") != DEAD))
    in_chunk = set()
    if demoting.height or leaving.height:
        in_chunk = set(rows.filter("_head")["family_number"].to_list())
    # A head leaving for another card hands the old one over to the head the file names.
    handed_over = [
        (line, nik, left[card][0])
        for line, nik, card in leaving.select("_line", "nik", "old_family_id").iter_rows()
        if left[card][0] in importer.heads or left[card][0] in in_chunk
    ]
    importer.demoted.update(nik for _line, nik, _number in handed_over)
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
        heads = heads.clear()
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
    if leaving.height:
        _refuse_leaving(importer, rows, leaving, left, handed_over, refused)
    if not importer.fresh:
        # Who the accepted rows take off their stored card or out of the living: a head
        # leaving a card in a later chunk finds them gone (written or not: a dry run too).
        off = pl.col("held_id").is_not_null() & (card_changed() | (pl.col("status") != ALIVE))
        kept = rows.filter(~pl.col("_line").is_in(refused)) if refused else rows
        importer.gone.update(kept.filter(off.fill_null(False))["held_id"].to_list())
    if not refused:
        return accepted
    return accepted.filter(~pl.col("_line").is_in(refused))


def _left_cards(importer, leaving: pl.DataFrame) -> dict[int, tuple[str, set[int]]]:
    """Card id -> (KK number, ids of its living members) of the cards the chunk's leaving
    heads leave: one query, none in the usual chunk (no head leaves)."""
    cards: dict[int, tuple[str, set[int]]] = {}
    ids = leaving["old_family_id"].unique().to_list()
    for card, number, member in importer._lookup(LEFT_CARDS, ids):
        cards.setdefault(card, (number, set()))
        if member is not None:
            cards[card][1].add(member)
    return cards


def _refuse_leaving(importer, rows, leaving, left, handed_over, refused: list[int]) -> None:
    """Refuse the heads leaving a card whose other living members stay on it while the file
    names no new head; and, for a head handed over whose own row was refused, the row of
    the new head (the old one stays: two living heads)."""
    opensid = "nama" in importer.positions_header
    kk_column = "no_kk" if opensid else "family_number"
    gone = importer.gone | set(
        rows.filter(
            ~pl.col("_line").is_in(refused)
            & pl.col("held_id").is_not_null()
            & (card_changed() | (pl.col("status") != ALIVE)).fill_null(False)
        )["held_id"].to_list()
    )
    handed = {line for line, _nik, _number in handed_over}
    for line, held, name, card, number in leaving.select(
        "_line", "held_id", "name", "old_family_id", "family_number"
    ).iter_rows():
        if line in handed or line in refused:
            continue
        old_number, members = left[card]
        if not members - {held} - gone:
            continue
        refused.append(line)
        if importer.heads.get(number) == line:
            del importer.heads[number]  # no longer this card's head row
        message = _(
            "%(name)s heads family card %(kk)s in the registry, whose other living members "
            "stay on it: give that card its new head in this file too, or change the head on "
            "the family's page first."
        ) % {"name": name, "kk": old_number}
        importer._reject(line, kk_column, number, named("family_number", message))
    column = "kk_level" if opensid else "relationship"
    for line, nik, old_number in handed_over:
        if line not in refused:
            continue
        importer.demoted.discard(nik)
        for head_line in rows.filter(pl.col("_head") & (pl.col("family_number") == old_number))[
            "_line"
        ].to_list():
            if head_line in refused:
                continue
            refused.append(head_line)
            if importer.heads.get(old_number) == head_line:
                del importer.heads[old_number]
            message = _(
                "family card %(kk)s keeps its living head in the registry: the row of that "
                "head, which would have handed the card over, is refused."
            ) % {"kk": old_number}
            importer._reject(head_line, column, codes.HEAD, named("relationship", message))


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
