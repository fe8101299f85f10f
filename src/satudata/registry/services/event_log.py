"""Writing one life event, and the checks every event passes: its date (not in the future, not
before the birth nor before the life already recorded) and its texts (length, invisible
characters), with the names each form gives those texts.

Every write records its event through `_event`, so these sit below all the write modules.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.core.dates import shown_date
from satudata.registry import cells, statistics
from satudata.registry.models import LifeEvent, Resident
from satudata.registry.validation import invisible_problem, too_long


def _event(actor, resident: Resident, kind: str, date=None, **extra) -> LifeEvent:
    _check_event_date(resident, date)
    _check_event_texts(extra)
    statistics.changed()
    cells.refresh([resident.village_id])
    return LifeEvent.objects.create(
        resident=resident,
        village_id=resident.village_id,
        kind=kind,
        date=date or datetime.date.today(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        **extra,
    )


# How each event's texts are asked for, on its form and in the API: (field, label) by the
# event's column. A refusal names and is keyed by the field the user filled in (QA: "from/to",
# the column's name, is a word no page shows, and the move-in page could not place it).
MOVE_OUT_TEXTS = {
    "other_place": ("place", gettext_lazy("moved to")),
    "note": ("note", gettext_lazy("note")),
}

MOVE_IN_TEXTS = {"other_place": ("origin", gettext_lazy("moved from"))}

CORRECTION_TEXTS = {"note": ("note", gettext_lazy("reason"))}


def _check_event_texts(extra: dict, names: dict | None = None) -> None:
    if errors := event_text_problems(extra, names):
        raise ValidationError(errors)


def event_text_problems(extra: dict, names: dict | None = None) -> dict[str, str]:
    """A note or place longer than its column is refused, naming it (SQLite would keep it
    whole, PostgreSQL end the request with a database error); so is one holding an
    invisible character (QA: a right-to-left override in a move's destination showed the
    card's KK number reversed on the resident's page). A note may have line breaks.
    `names` (see MOVE_OUT_TEXTS) says what the caller's form calls each text; a public
    function checks its texts so before `_event` checks them again under the columns'
    names (they pass by then). Field -> message; empty when the texts pass."""
    errors = {}
    for column_name in ("note", "other_place"):
        column = LifeEvent._meta.get_field(column_name)
        field, label = (names or {}).get(column_name, (column_name, column.verbose_name))
        text = extra.get(column_name) or ""
        if column_name == "note":
            text = text.replace("\r\n", "\n").replace("\n", " ")
        if len(extra.get(column_name) or "") > column.max_length:
            errors[field] = f"{label}: {too_long(column.max_length)}"
        elif problem := invisible_problem(text):
            errors[field] = f"{label}: {problem}"
    return errors


def _check_event_date(resident: Resident, date: datetime.date | None) -> None:
    """An event cannot happen before the person was born, nor in the future. Callers run
    inside the change's transaction, so a refusal leaves nothing written."""
    if date is None:
        return
    if date > timezone.localdate():
        raise ValidationError(
            {"date": _("date: %(date)s is in the future.") % {"date": shown_date(date)}}
        )
    if resident.birth_date and date < resident.birth_date:
        raise ValidationError(
            {
                "date": _("date: %(date)s is before %(name)s's birth (%(birth)s).")
                % {
                    "date": shown_date(date),
                    "name": resident.name,
                    "birth": shown_date(resident.birth_date),
                }
            }
        )
    # Nor before what the registry already recorded of the person's life (a death dated
    # before the move onto a card, a move out before the move in). Not the date a record
    # was entered or imported: a village entering its records late dates what happened.
    latest = _last_lived(resident) if resident.pk else None
    if latest is not None and date < latest.date:
        raise ValidationError(
            {
                "date": _("date: %(date)s is before the %(event)s recorded on %(when)s.")
                % {
                    "date": shown_date(date),
                    "event": latest.get_kind_display(),
                    "when": shown_date(latest.date),
                }
            }
        )


def _last_lived(resident: Resident) -> LifeEvent | None:
    """The latest event of the person's life that still stands: not the entry of the record
    (registered, imported), not a death or move out that a correction undid, nor the
    correction itself (after it, the move out is recorded again with its true date)."""
    standing: list[LifeEvent] = []
    for event in resident.events.order_by("pk"):
        if event.kind == LifeEvent.Kind.CORRECTION:
            undone = next((e for e in reversed(standing) if e.kind in UNDONE_BY_CORRECTION), None)
            if undone is not None:
                standing.remove(undone)
        elif event.kind not in (LifeEvent.Kind.REGISTERED, LifeEvent.Kind.IMPORTED):
            standing.append(event)
    return max(standing, key=lambda e: (e.date, e.pk), default=None)


UNDONE_BY_CORRECTION = (LifeEvent.Kind.DEATH, LifeEvent.Kind.MOVE_OUT)
