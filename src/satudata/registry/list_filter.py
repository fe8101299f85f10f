"""The filter above the resident and family lists: a search, a village (for an account that
reads many) and a hamlet, RW or RT of that village."""

from __future__ import annotations

from django import forms
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.accounts.scope import read_scope, write_scope
from satudata.regions.codes import BadRegionCode, normalize_code
from satudata.regions.models import Region
from satudata.registry.units import BadUnit, ListArea, list_area, unit_choices


class ListFilter(forms.Form):
    """What a list shows: `area` after is_valid() (a refused filter shows nothing, never
    other villages' rows), `units` the village's (id, path label) for the select."""

    q = forms.CharField(required=False)
    village = forms.CharField(required=False, label=gettext_lazy("village code"))
    unit = forms.CharField(required=False, label=gettext_lazy("Part of the village"))

    def __init__(self, data, *, user):
        super().__init__(data)
        self.user = user
        self.scope = read_scope(user)
        self.area = ListArea(village=self.scope.village)
        self.units: list[tuple[int, str]] = []

    @property
    def many_villages(self) -> bool:
        """Whether the account reads several villages and so may name one, and the list's
        rows name theirs (an operator's all belong to one: the column would only push RT
        off a phone's screen)."""
        return self.scope.village is None

    def rows(self, search, nothing):
        """search(user, q, village, unit ids) for a valid filter; `nothing` (an empty
        queryset) for a refused one, which shows nobody, never more."""
        if not self.is_valid():
            return nothing
        return search(self.user, self.cleaned_data["q"], self.area.village, self.area.unit_ids)

    def page_context(self) -> dict:
        """What a list's template needs of the filter, after rows()."""
        writes = write_scope(self.user)
        return {
            "filters": self,
            "query": self.cleaned_data.get("q", ""),
            "query_string": self.query_string(),
            "many_villages": self.many_villages,
            "can_write": bool(writes.code or writes.everything),
            "own_village": writes.village,
            # The village the list shows, for "register here" links of an account that
            # writes many villages (else they name one first).
            "area_village": self.area.village if writes.allows(self.area.village or "") else None,
        }

    def clean_q(self) -> str:
        return self.cleaned_data["q"].strip()[:100]

    def clean_village(self) -> str | None:
        raw = self.cleaned_data["village"].strip()
        if not raw or not self.many_villages:
            return None  # an operator's list is its own village
        try:
            code = normalize_code(raw)
        except BadRegionCode as exc:
            raise forms.ValidationError(str(exc)) from exc
        if not Region.objects.filter(code=code, level=Region.Level.VILLAGE).exists():
            raise forms.ValidationError(_("No village has this code."))
        if not self.scope.allows(code):
            raise forms.ValidationError(_("This village lies outside your account's scope."))
        return code

    def clean(self):
        data = super().clean()
        if "village" in self.errors:
            return data
        village = data.get("village") or self.scope.village
        try:
            self.area = list_area(self.user, village, data.get("unit"))
            village = self.area.village  # a unit alone names its village
        except BadUnit as exc:
            self.add_error("unit", str(exc))
        place = Region.objects.filter(code=village).first() if village else None
        if place is not None:
            self.units = unit_choices(place)
        return data

    def query_string(self) -> str:
        """The filter for the page links ("q=...&unit=7&"), so paging keeps it."""
        data = getattr(self, "cleaned_data", {})
        kept = {name: data.get(name) for name in ("q", "village", "unit") if data.get(name)}
        return urlencode(kept) + "&" if kept else ""
