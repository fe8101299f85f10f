from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from satudata.villages.models import LayerKind, PotentialCategory


class PotentialForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    category = forms.ChoiceField(label=_("Category"), choices=PotentialCategory.choices)
    item = forms.CharField(
        label=_("Item"), max_length=100, help_text=_("e.g. rice field, cattle, market")
    )
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2, min_value=0)
    unit = forms.CharField(label=_("Unit"), max_length=30, help_text=_("e.g. ha, head, unit, km"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": datetime.date.today().year})
        super().__init__(*args, **kwargs)


class LayerForm(forms.Form):
    name = forms.CharField(label=_("Layer name"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=LayerKind.choices)
    file = forms.FileField(label=_("GeoJSON, KML or KMZ file"))


class DrawForm(forms.Form):
    """A feature drawn on the map: map.js fills `geojson`; without script it can be pasted."""

    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=LayerKind.choices)
    geojson = forms.CharField(
        label=_("GeoJSON of the drawing"),
        widget=forms.Textarea(attrs={"rows": 3}),
        # Empty is answered by the service in words; the size is checked by geo.read_upload.
        required=False,
    )
