"""The workspace's dataset form: metadata plus one row per schema field.

The forms only parse and check input (the model's own clean() rules, so the messages are the
same as the API's); saving goes through services.create_dataset / update_dataset.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.accounts.models import Agency
from satudata.datasets.models import CodeList, Dataset, Field
from satudata.datasets.validation import plain_number

EXTRA_ROWS = 5  # empty field rows offered each time; save to get five more
SPLIT = re.compile(r"[,;\s]+")


class DatasetForm(forms.ModelForm):
    """Metadata; tags and spatial coverage as comma-separated words and region codes."""

    agency = forms.ModelChoiceField(
        label=gettext_lazy("agency"), queryset=Agency.objects.filter(is_active=True)
    )
    tags = forms.CharField(
        label=gettext_lazy("tags"),
        required=False,
        help_text=gettext_lazy("Separated by commas, e.g. health, puskesmas"),
    )
    regions = forms.CharField(
        label=gettext_lazy("spatial coverage"),
        required=False,
        help_text=gettext_lazy("Region codes separated by commas, e.g. 62.01, 62.01.02"),
    )

    class Meta:
        model = Dataset
        fields = [
            "slug",
            "title",
            "description",
            "agency",
            "topic",
            "concept",
            "definition",
            "classification",
            "measure",
            "unit",
            "frequency",
            "temporal_start",
            "temporal_end",
            "license",
            "access_level",
            "contact",
            "release_schedule",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "concept": forms.Textarea(attrs={"rows": 2}),
            "definition": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, editing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # The short name is in every URL and API call; it never changes.
            del self.fields["slug"]
        if not user.is_custodian:
            # A producer's datasets always belong to its own agency.
            del self.fields["agency"]
        if self.instance.pk:
            self.initial["tags"] = ", ".join(t.name for t in self.instance.tags.all())
            self.initial["regions"] = ", ".join(r.pk for r in self.instance.regions.all())

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug == "new":  # /workspace/datasets/new/ is the form itself
            raise forms.ValidationError(_("This short name is reserved; choose another."))
        return slug

    def clean_tags(self) -> list[str]:
        return [t for t in (w.strip() for w in self.cleaned_data["tags"].split(",")) if t]

    def clean_regions(self) -> list[str]:
        return [c for c in SPLIT.split(self.cleaned_data["regions"]) if c]

    def metadata(self) -> dict:
        """Keyword arguments for services.create_dataset / update_dataset."""
        data = dict(self.cleaned_data)
        data.pop("agency", None)
        return data


class FieldForm(forms.ModelForm):
    """One column of the schema; a row whose column name is empty is left out."""

    class Meta:
        model = Field
        fields = [
            "name",
            "label",
            "type",
            "unit",
            "required",
            "minimum",
            "maximum",
            "pattern",
            "code_list",
            "filterable",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code_list"].queryset = CodeList.objects.order_by("slug")
        self.fields["code_list"].to_field_name = "slug"
        for name in ("label", "type"):
            self.fields[name].required = False  # checked below, only for rows in use
        for field in self.fields.values():
            # The rows are table cells; the column header is the visible label.
            field.widget.attrs["aria-label"] = str(field.label)

    def clean(self):
        data = super().clean()
        if data.get("name"):
            for name in ("label", "type"):
                if not data.get(name):
                    self.add_error(name, _("This field is required."))
        return data

    def _post_clean(self):
        # The model's clean() (name shape, code list, minimum/maximum, pattern) only for rows
        # in use; the API gets the same checks through the service.
        if self.cleaned_data.get("name"):
            super()._post_clean()

    def spec(self) -> dict:
        data = dict(self.cleaned_data)
        code_list = data.pop("code_list", None)
        data["code_list"] = code_list.slug if code_list else None
        return data


class BaseFieldFormSet(forms.BaseFormSet):
    def clean(self):
        # Rows without a name are unused (the page offers empty ones to fill in); a duplicate
        # is named even when another row has an error, so one save lists every mistake.
        seen = set()
        for form in self.forms:
            name = (getattr(form, "cleaned_data", None) or {}).get("name") or form.data.get(
                form.add_prefix("name"), ""
            ).strip()
            if not name:
                continue
            if name in seen:
                form.add_error("name", _("Column %(name)s twice.") % {"name": name})
            seen.add(name)

    def specs(self) -> list[dict]:
        return [f.spec() for f in self.forms if f.cleaned_data.get("name")]


FieldFormSet = forms.formset_factory(FieldForm, formset=BaseFieldFormSet, extra=EXTRA_ROWS)


def field_initial(dataset: Dataset | None) -> list[dict]:
    if dataset is None:
        return []
    return [
        {
            "name": f.name,
            "label": f.label,
            "type": f.type,
            "unit": f.unit,
            "required": f.required,
            "minimum": plain_number(f.minimum),
            "maximum": plain_number(f.maximum),
            "pattern": f.pattern,
            "code_list": f.code_list.slug if f.code_list else None,
            "filterable": f.filterable,
        }
        for f in dataset.fields.select_related("code_list")
    ]


def problems(form: DatasetForm, formset) -> list[str]:
    """Every error as one Indonesian sentence naming the field (and the schema row)."""
    lines = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else _("Dataset")
        lines.extend(f"{label}: {e}" for e in errors)
    for number, row in enumerate(formset.forms, start=1):
        column = row.data.get(row.add_prefix("name"), "") or "?"
        for name, errors in row.errors.items():
            label = row.fields[name].label if name in row.fields else _("column")
            lines.extend(
                _("Column %(n)d (%(column)s), %(field)s: %(error)s")
                % {"n": number, "column": column, "field": label, "error": e}
                for e in errors
            )
    lines.extend(str(e) for e in formset.non_form_errors())
    return lines
