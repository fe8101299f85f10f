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


# Levels a village filter takes: a village itself, or every village of a district or regency
# (a custodian works through a district's conflicts at once). A province is refused: the
# registry serves a regency, and "the whole province" is the unfiltered list.
AREA_LEVELS = (Region.Level.VILLAGE, Region.Level.DISTRICT, Region.Level.REGENCY)
CODE_HELP = gettext_lazy(
    "Code of a village, or of a district or regency for all its villages, "
    "e.g. 62.01.02.2016 or 62.01.02."
)


class ConflictFilterForm(forms.Form):
    tried = forms.CharField(
        label=gettext_lazy("Village that tried"),
        required=False,
        max_length=40,
        help_text=CODE_HELP,
    )
    holder = forms.CharField(
        label=gettext_lazy("Village that holds it"),
        required=False,
        max_length=40,
        help_text=CODE_HELP,
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
        return _area_code(self.cleaned_data["tried"])

    def clean_holder(self) -> str:
        return _area_code(self.cleaned_data["holder"])

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


def _area_code(typed: str) -> str:
    """The code of a village, district or regency typed dotted or not ("6201022016",
    "620102"), in the dotted form; '' for none."""
    typed = typed.strip()
    if not typed:
        return ""
    try:
        code = normalize_code(typed)
    except BadRegionCode as exc:
        raise ValidationError(str(exc)) from exc
    level = Region.objects.filter(code=code).values_list("level", flat=True).first()
    if level == Region.Level.PROVINCE:
        raise ValidationError(
            _("%(code)s is a province; give the code of a regency, district or village in it.")
            % {"code": typed}
        )
    if level not in AREA_LEVELS:
        raise ValidationError(
            _("no village, district or regency has the code %(code)s.") % {"code": typed}
        )
    return code
