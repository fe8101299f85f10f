from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from satudata.letters.models import LetterType


class IssueForm(forms.Form):
    letter_type = forms.ChoiceField(label=_("Letter type"), choices=LetterType.choices)
    nik = forms.CharField(label=_("Resident's NIK"), max_length=16)
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)


class TemplateForm(forms.Form):
    letter_type = forms.ChoiceField(choices=LetterType.choices, widget=forms.HiddenInput)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}))
