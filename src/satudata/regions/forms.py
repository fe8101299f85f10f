from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from satudata.regions.models import LocalUnit


class LocalUnitForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=LocalUnit.Level.choices)
    name = forms.CharField(
        label=_("Name or number"),
        max_length=60,
        help_text=_("A hamlet's name, or an RW/RT number such as 003."),
    )
    parent = forms.TypedChoiceField(
        label=_("Part of"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, village=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = village.local_units.all() if village is not None else []
        self.fields["parent"].choices = [("", _("(directly in the village)"))] + [
            (u.pk, u.path_label()) for u in units if u.level != LocalUnit.Level.RT
        ]
