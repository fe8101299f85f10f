"""Form errors as one sentence a person can act on: each names its field by its label."""

from __future__ import annotations

from django import forms


def labelled_errors(form: forms.Form) -> list[str]:
    """Every error as "Field: message", so a summary names the field (Django's do not)."""
    found = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for message in errors:
            message = str(message)
            if label and not _names_a_field(message):
                label = str(label)
                message = f"{label[:1].upper()}{label[1:]}: {_lower_first(message)}"
            found.append(message)
    return found


def _names_a_field(message: str) -> bool:
    """Service messages already start with a field's name ("NIK: …", "nomor KK: …",
    "hubungan dalam keluarga: …"); a label before them would name the field twice."""
    head, colon, _rest = message.partition(":")
    return bool(colon) and len(head.split()) <= 4 and "." not in head


def _lower_first(message: str) -> str:
    """ "Bidang ini …" → "bidang ini …", but an acronym ("NIK 6201…") keeps its case."""
    if len(message) > 1 and message[1].isupper():
        return message
    return message[:1].lower() + message[1:]
