from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from satudata.letters.models import LetterType
from satudata.letters.templating import MAX_LENGTH

NIK = re.compile(r"[0-9]{16}")


class IssueForm(forms.Form):
    letter_type = forms.ChoiceField(
        label=_("Letter type"),
        choices=LetterType.choices,
        error_messages={
            "required": _("Choose the letter type."),
            "invalid_choice": _("Choose a letter type from the list."),
        },
    )
    nik = forms.CharField(
        label=_("Resident's NIK"),
        error_messages={"required": _("Enter the resident's NIK.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 20}),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        required=False,
        error_messages={
            "max_length": _(
                "The purpose may be at most %(limit_value)d characters; it has %(show_value)d."
            )
        },
    )

    def clean_nik(self) -> str:
        nik = "".join(self.cleaned_data["nik"].split())  # "6201 0226 …" as printed on a KTP
        if not NIK.fullmatch(nik):
            raise ValidationError(
                _("A NIK is exactly 16 digits (0–9); you entered %(count)d characters."),
                params={"count": len(nik)},
            )
        return nik


class TemplateForm(forms.Form):
    letter_type = forms.ChoiceField(choices=LetterType.choices, widget=forms.HiddenInput)
    # Blank, too long and brace mistakes are refused by templating.check_template, with the
    # typed text kept in the form.
    body = forms.CharField(
        label=_("Text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "maxlength": MAX_LENGTH}),
    )
