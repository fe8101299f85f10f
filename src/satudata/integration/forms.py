"""The connector form: the mapping is typed as lines `source column = dataset field`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.datasets.models import Dataset
from satudata.integration import addresses, services
from satudata.integration.models import Connector


def _within_limits(field: str):
    """A validator with the services' bounds and sentence (the API gets the same ones)."""

    def validate(value):
        problem = services.limit_problem(field, value)
        if problem:
            raise forms.ValidationError(problem)

    return validate


class ConnectorForm(forms.ModelForm):
    url = forms.URLField(
        label=gettext_lazy("source address"), max_length=500, assume_scheme="https"
    )
    mapping_text = forms.CharField(
        label=gettext_lazy("Field mapping"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One line per column: source column = dataset field. Empty when the source "
            "already uses the dataset's column names."
        ),
    )

    class Meta:
        model = Connector
        fields = [
            "name",
            "dataset",
            "kind",
            "url",
            "format",
            "ckan_dataset",
            "ckan_resource",
            "year",
            "interval_minutes",
            "enabled",
            "timeout_seconds",
            "max_size_mb",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].queryset = Dataset.objects.editable_by(user).order_by("title")
        for name, (low, high) in services.limits().items():
            # Replace the generic "at most 32767" of the model field with our bounds.
            self.fields[name].validators = [_within_limits(name)]
            self.fields[name].widget.attrs.update(min=low, max=high)
        if self.instance.pk:
            self.fields["mapping_text"].initial = "\n".join(
                f"{k} = {v}" for k, v in self.instance.mapping.items()
            )
            # A password typed into the address before it was refused is never shown again.
            self.initial["url"] = addresses.without_credentials(self.instance.url)

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        problem = addresses.refusal_at_save(url)
        if problem:
            raise forms.ValidationError(problem)
        return url

    def clean_mapping_text(self) -> dict[str, str]:
        mapping = {}
        for number, line in enumerate(self.cleaned_data["mapping_text"].splitlines(), 1):
            if not line.strip():
                continue
            source, sep, field = line.partition("=")
            if not sep or not source.strip() or not field.strip():
                raise forms.ValidationError(
                    _("Line %(n)d: write source column = dataset field.") % {"n": number}
                )
            mapping[source.strip().lower()] = field.strip().lower()
        return mapping

    def values(self) -> dict:
        data = {k: self.cleaned_data[k] for k in self.Meta.fields}
        data["mapping"] = self.cleaned_data["mapping_text"]
        return data
