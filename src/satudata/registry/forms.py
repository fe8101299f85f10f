"""Forms of the operator pages; the rules themselves live in validation/services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from satudata.regions.models import LocalUnit
from satudata.registry import codes
from satudata.registry.models import ImportJob


def _codes(field: str, required: bool = False):
    empty = [] if required else [("", "—")]
    return forms.TypedChoiceField(
        choices=empty + codes.choices(field), coerce=int, required=required, empty_value=None
    )


class ResidentForm(forms.Form):
    nik = forms.CharField(label=_("NIK"), max_length=16, required=False)
    nik_is_temporary = forms.BooleanField(
        label=_("temporary NIK (the person has none yet)"), required=False
    )
    name = forms.CharField(label=_("name"), max_length=100)
    sex = _codes("sex", required=True)
    birth_place = forms.CharField(label=_("place of birth"), max_length=100, required=False)
    birth_date = forms.DateField(
        label=_("date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    religion = _codes("religion")
    education_kk = _codes("education_kk")
    education_current = _codes("education_current")
    occupation = _codes("occupation")
    marital_status = _codes("marital_status")
    relationship = _codes("relationship")
    citizenship = _codes("citizenship", required=True)
    blood_type = _codes("blood_type")
    disability = _codes("disability")
    father_name = forms.CharField(label=_("father's name"), max_length=100, required=False)
    mother_name = forms.CharField(label=_("mother's name"), max_length=100, required=False)
    unit = forms.TypedChoiceField(label=_("RT"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, village=None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "sex": _("sex"),
            "religion": _("religion"),
            "education_kk": _("education (KK)"),
            "education_current": _("education in progress"),
            "occupation": _("occupation"),
            "marital_status": _("marital status"),
            "relationship": _("relationship in family"),
            "citizenship": _("citizenship"),
            "blood_type": _("blood type"),
            "disability": _("disability"),
        }
        for name, label in labels.items():
            self.fields[name].label = label
        units = LocalUnit.objects.filter(village=village, level="rt") if village else []
        self.fields["unit"].choices = [("", "—")] + [(u.pk, u.path_label()) for u in units]


class EventForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("event"), choices=[("death", _("death")), ("move_out", _("moved out"))]
    )
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("moved to"), max_length=100, required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
    village = forms.CharField(
        label=_("village code"),
        required=False,
        help_text=_("Leave empty to take it from the kode_desa column."),
    )
    mode = forms.ChoiceField(label=_("mode"), choices=ImportJob.Mode.choices)
    dry_run = forms.BooleanField(label=_("dry run: check only, save nothing"), required=False)
