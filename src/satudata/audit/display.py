"""Stored values as the history page shows them: a code with its label ("2 – Kristen"), a
linked record by its name ("Dusun I (#12)"), not the bare numbers the history keeps.

The history stores raw values (they are what a restore puts back); naming them is done only
when a page is drawn, so a renamed record or code list shows its current name.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import models
from django.template.defaultfilters import yesno
from django.utils import timezone

from satudata.core.dates import shown_date, shown_moment


def _choice_namer(field: models.Field) -> Callable[[object], str]:
    names = {value: str(label) for value, label in field.flatchoices}
    return lambda value: f"{value} – {names[value]}" if value in names else str(value)


def _related_namer(field: models.ForeignKey) -> Callable[[object], str]:
    related = field.related_model._base_manager
    known: dict[object, str] = {}  # a long history names the same record many times

    def name(value: object) -> str:
        if value not in known:
            known[value] = _name_of(related, value)
        return known[value]

    return name


def _name_of(related, value: object) -> str:
    try:
        target = related.filter(pk=value).first()
    except (ValueError, TypeError):
        target = None
    if target is None:
        return str(value)
    text = str(target)
    # A region is named by its code, which is its key, and its name.
    return text if text.startswith(str(value)) else f"{text} (#{value})"


def _yes_no(value: object) -> str:
    return yesno(value)  # Django's own "yes,no,maybe", translated in its catalog


def _moment(value: object) -> str:
    """A stored time ("2026-11-24T02:35:55.352830+00:00") as people read it, local."""
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return shown_moment(moment)


def _day(value: object) -> str:
    try:
        return shown_date(datetime.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _default_namer(field: models.Field) -> Callable[[object], str] | None:
    if isinstance(field, models.BooleanField):
        return _yes_no
    if isinstance(field, models.DateTimeField):  # before DateField, its parent
        return _moment
    if isinstance(field, models.DateField):
        return _day
    if field.choices:
        return _choice_namer(field)
    if isinstance(field, models.ForeignKey):
        return _related_namer(field)
    return None


def value_namers(model: type[models.Model] | None) -> dict[str, Callable[[object], str]]:
    """For each field of `model` that stores a code or a link, how to show a stored value.

    A model whose codes live outside Django's choices (the civil registry's code lists) names
    them with a classmethod `audit_value_label(attname, value) -> str | None`, None meaning
    "not one of mine"."""
    hook = getattr(model, "audit_value_label", None)
    namers: dict[str, Callable[[object], str]] = {}
    for field in model._meta.concrete_fields if model is not None else ():
        default = _default_namer(field)
        if hook is not None:
            namers[field.attname] = _with_hook(hook, field.attname, default)
        elif default is not None:
            namers[field.attname] = default
    return namers


def _with_hook(hook, attname: str, default) -> Callable[[object], str]:
    def name(value: object) -> object:
        text = hook(attname, value)
        if text is not None:
            return text
        return default(value) if default is not None else value

    return name


def shown(namers: dict[str, Callable], attname: str, value: object) -> object:
    """The value as the page shows it; None stays None (drawn as a dash)."""
    if value is None or attname not in namers:
        return value
    return namers[attname](value)
