from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from satudata.villages import services
from satudata.villages.models import LayerKind, PotentialCategory


class PotentialForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990)
    category = forms.ChoiceField(label=_("Category"), choices=PotentialCategory.choices)
    item = forms.CharField(
        label=_("Item"), max_length=100, help_text=_("e.g. rice field, cattle, market")
    )
    # Text, read by services.parse_amount: Indonesian "1.234,5" is refused by a DecimalField.
    value = forms.CharField(
        label=_("Value"), max_length=30, help_text=_("e.g. 1.234 or 12,5 (a comma for decimals)")
    )
    unit = forms.CharField(label=_("Unit"), max_length=30, help_text=_("e.g. ha, head, unit, km"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": datetime.date.today().year})
        super().__init__(*args, **kwargs)
        # The cap moves with the calendar, so it is set per form, not at import.
        self.fields["year"].widget.attrs["max"] = services.latest_potential_year()

    def clean_year(self):
        year = self.cleaned_data["year"]
        last = services.latest_potential_year()
        if year > last:
            raise forms.ValidationError(
                _("The year must be between 1990 and %(last)d.") % {"last": last}
            )
        return year

    def clean_value(self):
        try:
            return services.parse_amount(self.cleaned_data["value"])
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["value"]) from exc


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A pasted text travels as a form field, which Django caps site-wide
        # (DATA_UPLOAD_MAX_MEMORY_SIZE); a larger post gets only the generic "bad request"
        # page, so the limit is said before pasting. Drawings made with the script are small.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit:
            self.fields["geojson"].help_text = _(
                "Without script, paste GeoJSON here: at most %(mb)s MB. A larger file goes "
                "through Upload a layer above."
            ) % {"mb": number_format(limit / (1024 * 1024), 1)}
