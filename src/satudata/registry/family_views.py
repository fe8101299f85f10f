"""Operator pages of family cards: the list and one card (their events are in `event_views`)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from satudata.accounts.scope import write_scope
from satudata.core.access import scoped
from satudata.registry import services
from satudata.registry.list_filter import ListFilter
from satudata.registry.models import Family


@scoped
def families(request):
    filters = ListFilter(request.GET, user=request.user)
    found = filters.rows(services.search_families, Family.objects.none())
    found = found.select_related("unit__parent__parent", "village")
    context = filters.page_context()
    context["page_obj"] = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(request, "registry/families.html", context)


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
