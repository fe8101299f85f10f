from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ListUploadForm(forms.Form):
    program = forms.CharField(label=_("Aid program"), max_length=100)
    file = forms.FileField(label=_("Recipient list (CSV or XLSX: NIK, nama, optional no_kk)"))
