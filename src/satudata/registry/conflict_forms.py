"""The filters of the custodian's NIK conflict list, as typed in its address or sent back by
its "close all" button."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.regions.codes import BadRegionCode, normalize_code
from satudata.regions.models import Region
from satudata.registry.services.conflicts import ConflictFilters

# Where a refused NIK came from (NikConflict.source), as the custodian's list says it.
CONFLICT_SOURCES = {"form": gettext_lazy("form or API"), "import": gettext_lazy("import")}


class ConflictFilterForm(forms.Form):
    tried = forms.CharField(label=gettext_lazy("Village that tried"), required=False, max_length=40)
    holder = forms.CharField(
        label=gettext_lazy("Village that holds it"), required=False, max_length=40
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Source"),
        required=False,
        choices=[("", gettext_lazy("any")), *CONFLICT_SOURCES.items()],
    )
    all = forms.BooleanField(label=gettext_lazy("closed ones too"), required=False)

    def clean_all(self) -> bool:
        # Django's checkbox reads any text as ticked: "?all=0" typed into an address showed
        # closed conflicts too (QA). Only what a ticked box or a link sends is "on".
        return str(self.data.get("all", "")).strip().lower() in ("1", "on", "true", "yes")

    def clean_tried(self) -> str:
        return _village_code(self.cleaned_data["tried"])

    def clean_holder(self) -> str:
        return _village_code(self.cleaned_data["holder"])

    def filters(self) -> ConflictFilters:
        data = self.cleaned_data
        return ConflictFilters(data["tried"], data["holder"], data["source"], data["all"])

    def query_string(self, show_all: bool | None = None) -> str:
        """The valid filters for a link that keeps them (the pager, the way back after
        closing), ending in "&" so "page=" can follow; "" for none. `show_all` overrides
        whether closed conflicts are shown (the link between open and all)."""
        if not self.is_valid():
            return ""
        data = self.cleaned_data
        show_all = data["all"] if show_all is None else show_all
        kept = [("all", "1")] if show_all else []
        kept += [(key, data[key]) for key in ("tried", "holder", "source") if data[key]]
        return urlencode(kept) + "&" if kept else ""


def _village_code(typed: str) -> str:
    """A village's code typed dotted or not ("6201022016"), in the dotted form; '' for none."""
    typed = typed.strip()
    if not typed:
        return ""
    try:
        code = normalize_code(typed)
    except BadRegionCode as exc:
        raise ValidationError(str(exc)) from exc
    if not Region.objects.filter(code=code, level=Region.Level.VILLAGE).exists():
        raise ValidationError(_("no village has the code %(code)s.") % {"code": typed})
    return code
