"""Operator pages of family cards: the list and one card (their events are in `event_views`)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from satudata.accounts.scope import write_scope
from satudata.core.access import scoped
from satudata.registry import services
from satudata.registry.list_filter import ListFilter
from satudata.registry.models import Family
from satudata.registry.views import _many_villages


@scoped
def families(request):
    filters = ListFilter(request.GET, user=request.user)
    if filters.is_valid():
        area = filters.area
        found = services.search_families(
            request.user, filters.cleaned_data["q"], area.village, area.unit_ids
        ).select_related("unit__parent__parent", "village")
    else:
        found = Family.objects.none()  # a refused filter shows no card, never more
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    scope = write_scope(request.user)
    return render(
        request,
        "registry/families.html",
        {
            "filters": filters,
            "page_obj": page,
            "query": filters.cleaned_data.get("q", ""),
            "query_string": filters.query_string(),
            "can_write": bool(scope.code or scope.everything),
            "many_villages": _many_villages(request.user),
        },
    )


@scoped
def family(request, family_id: int):
    found = get_object_or_404(
        Family.objects.visible_to(request.user).select_related("unit"), pk=family_id
    )
    # The card's own village's people only (see FamilyOut.resolve_members).
    members = found.members.filter(village_id=found.village_id).order_by(
        "relationship", "birth_date"
    )
    return render(
        request,
        "registry/family.html",
        {
            "family": found,
            "members": members,
            "can_write": write_scope(request.user).allows(found.village_id),
        },
    )
