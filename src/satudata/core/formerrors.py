"""Form errors as one sentence a person can act on: each names its field by its label."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

# The code of a service's message placed beside its field (`beside_field`).
SERVICE = "service"


def labelled_errors(form: forms.Form) -> list[str]:
    """Every error as "Field: message", so a summary names the field (Django's do not)."""
    found = []
    for name, errors in form.errors.as_data().items():
        label = form.fields[name].label if name in form.fields else None
        for error in errors:
            for message in error:
                message = str(message)
                if label and error.code == SERVICE:
                    # Its own words after the label: it may start with a name ("Siti …").
                    message = f"{_capital(str(label))}: {message}"
                elif label and not _names_a_field(message):
                    message = f"{_capital(str(label))}: {_lower_first(message)}"
                found.append(message)
    return found


def beside_field(message: str) -> ValidationError:
    """A service's message as shown beside its field: "pindah ke: berisi …" → "berisi …".
    Services name the field first, for API callers; on a page the field's label is just
    above the error, and the summary (`labelled_errors`) puts the label before it."""
    if _names_a_field(message):
        message = message.partition(":")[2].strip() or message
    return ValidationError(message, code=SERVICE)


def _names_a_field(message: str) -> bool:
    """Service messages already start with a field's name ("NIK: …", "nomor KK: …",
    "hubungan dalam keluarga: …"); a label before them would name the field twice."""
    head, colon, _rest = message.partition(":")
    return bool(colon) and len(head.split()) <= 4 and "." not in head


def _capital(label: str) -> str:
    return label[:1].upper() + label[1:]


def _lower_first(message: str) -> str:
    """ "Bidang ini …" → "bidang ini …", but an acronym ("NIK 6201…") keeps its case."""
    if len(message) > 1 and message[1].isupper():
        return message
    return message[:1].lower() + message[1:]
