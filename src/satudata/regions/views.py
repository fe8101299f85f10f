from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satudata.accounts.scope import write_scope
from satudata.core.access import public, scoped
from satudata.core.formerrors import labelled_errors
from satudata.regions import services
from satudata.regions.codes import BadRegionCode
from satudata.regions.forms import LocalUnitForm
from satudata.regions.models import LocalUnit, Region


def _region_or_404(code: str) -> Region:
    try:
        return services.get_region(code)
    except (BadRegionCode, Region.DoesNotExist) as exc:
        raise Http404(str(exc)) from exc


@public
def index(request):
    query = request.GET.get("q", "").strip()[:100]
    if query:
        regions = services.search_regions(query)
    else:
        regions = Region.objects.filter(level=Region.Level.PROVINCE)
    page = Paginator(regions, 50).get_page(request.GET.get("page"))
    context = {
        "query": query,
        "page_obj": page,
        "query_string": urlencode({"q": query}) + "&" if query else "",
        "deployment": services.deployment_regencies(),
    }
    return render(request, "regions/index.html", context)


@public
def detail(request, code: str):
    region = _region_or_404(code)
    context = {
        "region": region,
        "ancestors": region.ancestors(),
        "children": region.children.all(),
    }
    if region.level == Region.Level.VILLAGE:
        context["unit_tree"] = services.local_unit_tree(region)
        if write_scope(request.user).allows(region.code):
            context["unit_form"] = LocalUnitForm(village=region)
    return render(request, "regions/detail.html", context)


@scoped
@require_POST
def unit_add(request, code: str):
    village = _region_or_404(code)
    # Scope first: another village's operator learns nothing from form errors.
    services.require_write(request.user, village.code)
    form = LocalUnitForm(request.POST, village=village)
    if not form.is_valid():
        messages.error(
            request, _("Check the form: %(errors)s") % {"errors": " ".join(labelled_errors(form))}
        )
        return redirect("regions:detail", code=village.code)
    try:
        unit = services.add_local_unit(
            request.user,
            village,
            form.cleaned_data["level"],
            form.cleaned_data["name"],
            form.cleaned_data["parent"],
        )
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(unit)s has been added.") % {"unit": unit.path_label()})
    return redirect("regions:detail", code=village.code)


@scoped
@require_POST
def unit_delete(request, unit_id: int):
    unit = get_object_or_404(LocalUnit, pk=unit_id)
    try:
        services.remove_local_unit(request.user, unit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(unit)s has been removed.") % {"unit": unit.path_label()})
    return redirect("regions:detail", code=unit.village_id)
