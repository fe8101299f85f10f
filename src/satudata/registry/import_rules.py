"""Rules the resident forms and the API already applied, applied to an import's rows too
(QA, tenth session): a resident who is not alive in the registry keeps their family card,
a birth date cannot come after the person's recorded life events, and a basic status the
file changes leaves a life event of kind "imported" in the person's history.

A mixin of `importer.Importer` (its report, error file, actor and job). Each check costs
nothing in a first import (`fresh`: no stored resident) and one query per chunk at most,
for the chunk's rows it concerns alone.
"""

from __future__ import annotations

import datetime

import polars as pl
from django.utils.translation import gettext as _

from satudata.core.dates import shown_date
from satudata.registry.models import LifeEvent, Resident
from satudata.registry.validation import named

ALIVE = 1  # Resident.Status.ALIVE


def card_changed() -> pl.Expr:
    """The row puts its stored resident on another card than the stored one (a KK number
    new to the registry has no `family_id` yet, so a null one on a carded row is a change)."""
    new_card = pl.col("family_id").is_null() & (pl.col("family_number") != "")
    return ~pl.col("family_id").eq_missing(pl.col("old_family_id")) | new_card


def not_living_moved() -> pl.Expr:
    """A stored resident who is not alive (dead, moved out, missing) put on another card:
    the forms and `POST /api/v1/residents/<id>/family` move only living residents."""
    stored = pl.col("held_id").is_not_null() & ~pl.col("_conflict")
    return (stored & pl.col("old_status").ne(ALIVE) & card_changed()).fill_null(False)


# The events a birth date cannot follow: all but the birth itself, as the form's rule
# (`services.residents._refuse_birth_after_events`).
EVENTS_OF = (
    "SELECT resident_id, id, kind, date FROM registry_lifeevent "
    "WHERE kind <> 'birth' AND resident_id IN (%s)"
)


class ImportRules:
    """The form's rules of `importer.Importer` that need the stored record."""

    def _not_living_moved_message(self, row: dict) -> str:
        status = Resident.status_name(row["old_status"])
        return named(
            "family_number",
            _(
                "%(name)s is not a living resident of this village (status: %(status)s); only "
                "a living resident moves onto another family card."
            )
            % {"name": row["name"], "status": status},
        )

    def _refuse_birth_after_events(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Rows that change a stored birth date to one after an event of the person's
        recorded life (a death, a move, a change of card) are refused, as the resident's
        form refuses it. One query per chunk, for the rows whose birth date changes (none in
        an unchanged re-import: no query)."""
        if self.fresh:
            return frame
        changing = frame.filter(
            pl.col("held_id").is_not_null()
            & ~pl.col("birth_date").eq_missing(pl.col("old_birth_date"))
            & pl.col("birth_date").is_not_null()
        )
        if changing.height == 0:
            return frame
        earliest: dict[int, tuple] = {}
        for resident, pk, kind, date in self._lookup(EVENTS_OF, changing["held_id"].to_list()):
            if isinstance(date, str):  # SQLite without the date converter
                date = datetime.date.fromisoformat(date)
            if resident not in earliest or (date, pk) < earliest[resident][:2]:
                earliest[resident] = (date, pk, kind)
        if not earliest:
            return frame
        column = "tanggallahir" if "nama" in self.positions_header else "birth_date"
        refused = []
        for line, resident, birth in changing.select("_line", "held_id", "birth_date").iter_rows():
            first = earliest.get(resident)
            if first is None or first[0] >= birth:
                continue
            message = _("%(date)s is after the %(event)s recorded on %(when)s.") % {
                "date": shown_date(birth),
                "event": LifeEvent.Kind(first[2]).label,
                "when": shown_date(first[0]),
            }
            # The value as the row gave it, parsed (the chunk's raw text is gone by now).
            self._reject(line, column, shown_date(birth), named("birth_date", message))
            refused.append(line)
        return frame.filter(~pl.col("_line").is_in(refused)) if refused else frame

    # -- life events of status changes ------------------------------------------------------

    def _note_status_changes(self, updates: pl.DataFrame) -> None:
        """Remember the written residents whose basic status the file changes; their
        events are written with the import's job (`_record_status_events`)."""
        changed = updates.filter(pl.col("status").ne_missing(pl.col("old_status")))
        if changed.height:
            self.status_changes.extend(
                changed.select("held_id", "village", "old_status", "status").iter_rows()
            )

    def _record_status_events(self, job) -> None:
        """One life event of kind "imported" for each stored resident whose basic status the
        import changed, so the person's history shows it. Not a death or move out: an import
        has no date of death, no destination (docs/decisions.md); dated the import's day,
        which `event_log._last_lived` does not count as a date of the person's life. None
        for new residents: a first import writes no event per row."""
        if not self.status_changes:
            return
        actor = self.actor if getattr(self.actor, "is_authenticated", False) else None
        source = self.file_name if len(self.file_name) <= 80 else self.file_name[:79] + "…"
        events = [
            LifeEvent(
                resident_id=resident,
                village_id=village,
                kind=LifeEvent.Kind.IMPORTED,
                date=self.today,
                note=(
                    _("basic status %(before)s → %(after)s, by import no. %(job)d (%(file)s)")
                    % {
                        "before": Resident.status_name(before),
                        "after": Resident.status_name(after),
                        "job": job.pk,
                        "file": source,
                    }
                )[:200],
                actor=actor,
            )
            for resident, village, before, after in self.status_changes
        ]
        LifeEvent.objects.bulk_create(events, batch_size=2000)
