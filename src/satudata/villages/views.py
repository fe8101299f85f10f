from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satudata.accounts.scope import read_scope, write_scope
from satudata.core.access import public, role, scoped
from satudata.core.formerrors import labelled_errors
from satudata.feedback.models import Feedback
from satudata.regions import services as regions
from satudata.regions.codes import BadRegionCode
from satudata.regions.models import Region
from satudata.villages import education, maps, services
from satudata.villages.forms import DrawForm, LayerForm, PotentialForm
from satudata.villages.models import MapLayer, PotentialCategory, PotentialEntry
from satudata.villages.profile import open_datasets, population_for, potentials_table
from satudata.villages.regionq import within


def _region(code: str, levels=(2, 3, 4)) -> Region:
    try:
        region = regions.get_region(code)
    except (BadRegionCode, Region.DoesNotExist) as exc:
        raise Http404(str(exc)) from exc
    if region.level not in levels:
        raise Http404(_("There is no profile page for this region."))
    return region


@public
def profile(request, code: str):
    region = _region(code)
    year, potentials = potentials_table(region.code)
    answered = (
        Feedback.objects.public()
        .filter(within("village_id", region.code))
        .select_related("village", "agency")
        .prefetch_related("replies")[:5]
    )
    children = []
    if region.level == Region.Level.REGENCY:
        # Districts with their villages, so any village is one tap from the regency page.
        villages = Region.objects.filter(level=4, code__startswith=region.code + ".")
        by_district: dict[str, list[Region]] = {}
        for v in villages.order_by("name"):
            by_district.setdefault(v.parent_id, []).append(v)
        children = [(d, by_district.get(d.code, [])) for d in region.children.order_by("name")]
    elif region.level == Region.Level.DISTRICT:
        children = [(None, list(region.children.order_by("name")))]
    ancestors = region.ancestors()
    context = {
        "region": region,
        "ancestors": ancestors,
        "datasets": open_datasets(region, ancestors),
        "population": population_for(region.code),
        "schools": education.school_data(region.code),
        "potential_year": year,
        "potentials": potentials,
        "map": maps.svg_map(region.code),
        "answered": answered,
        "children": children,
        "can_edit": region.level == 4 and write_scope(request.user).allows(region.code),
    }
    return render(request, "villages/profile.html", context)


@public
def map_page(request, code: str):
    region = _region(code)
    return render(
        request,
        "villages/map.html",
        {"region": region, "ancestors": region.ancestors(), "map": maps.svg_map(region.code)},
    )


def _own_village(request, code: str) -> Region:
    village = _region(code, levels=(4,))
    if not write_scope(request.user).allows(village.code):
        raise Http404(_("You do not keep this village's profile."))
    return village


@scoped
def potential(request, code: str):
    village = _own_village(request, code)
    form = PotentialForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_potential(request.user, village, **form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Saved."))
                return redirect("villages:potential", code=village.code)
        else:
            messages.error(
                request,
                _("Check the form: %(errors)s") % {"errors": " ".join(labelled_errors(form))},
            )
    entries = PotentialEntry.objects.editable_by(request.user).filter(village=village)
    return render(
        request, "villages/potential.html", {"village": village, "form": form, "entries": entries}
    )


@scoped
@require_POST
def potential_delete(request, entry_id: int):
    entry = get_object_or_404(PotentialEntry.objects.editable_by(request.user), pk=entry_id)
    services.delete_potential(request.user, entry)
    messages.success(
        request,
        _("The figure %(item)s %(year)d has been removed.")
        % {"item": entry.item, "year": entry.year},
    )
    return redirect("villages:potential", code=entry.village_id)


def _layers_page(request, village: Region, form=None, draw_form=None, status=200):
    items = MapLayer.objects.editable_by(request.user).filter(village=village).defer("features")
    # Removed and replaced layers (a new boundary replaces the old), newest first, to restore.
    removed = (
        MapLayer.all_objects.editable_by(request.user)
        .filter(village=village, deleted_at__isnull=False)
        .defer("features")
        .order_by("-deleted_at")[:20]
    )
    context = {
        "village": village,
        "form": form or LayerForm(),
        "draw_form": draw_form or DrawForm(prefix="draw"),
        "layers": items,
        "removed": removed,
        "map": maps.drawing_map(village.code),
    }
    return render(request, "villages/layers.html", context, status=status)


def _saved(request, village: Region, layer, repaired: int):
    messages.success(
        request,
        _("Layer %(name)s saved with %(count)d features (%(repaired)d repaired).")
        % {"name": layer.name, "count": layer.feature_count, "repaired": repaired},
    )
    return redirect("villages:layers", code=village.code)


@scoped
def layers(request, code: str):
    village = _own_village(request, code)
    if request.method != "POST":
        return _layers_page(request, village)
    form = LayerForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            layer, repaired = services.upload_layer(
                request.user,
                village,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                filename=upload.name,
                data=upload.read(services.geo.MAX_UPLOAD_BYTES + 1),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return _saved(request, village, layer, repaired)
    else:
        messages.error(
            request, _("Check the form: %(errors)s") % {"errors": " ".join(labelled_errors(form))}
        )
    return _layers_page(request, village, form=form, status=400)


@scoped
@require_POST
def draw(request, code: str):
    """A feature drawn on the map (map.js), checked and repaired like an uploaded file."""
    village = _own_village(request, code)
    form = DrawForm(request.POST, prefix="draw")
    if form.is_valid():
        try:
            layer, repaired = services.draw_layer(request.user, village, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return _saved(request, village, layer, repaired)
    else:
        messages.error(
            request, _("Check the form: %(errors)s") % {"errors": " ".join(labelled_errors(form))}
        )
    return _layers_page(request, village, draw_form=form, status=400)


@scoped
@require_POST
def layer_delete(request, layer_id: int):
    layer = get_object_or_404(
        MapLayer.objects.editable_by(request.user).defer("features"), pk=layer_id
    )
    services.delete_layer(request.user, layer)
    messages.success(request, _("The layer has been removed."))
    return redirect("villages:layers", code=layer.village_id)


@scoped
@require_POST
def layer_restore(request, layer_id: int):
    layer = get_object_or_404(
        MapLayer.all_objects.editable_by(request.user).defer("features"), pk=layer_id
    )
    if layer.deleted_at is None:
        # A second tap, or a stale page: the layer is already on the map.
        messages.info(
            request, _("The layer %(name)s is already on the map.") % {"name": layer.name}
        )
        return redirect("villages:layers", code=layer.village_id)
    services.restore_layer(request.user, layer)
    messages.success(request, _("The layer %(name)s has been restored.") % {"name": layer.name})
    return redirect("villages:layers", code=layer.village_id)


@role("district_viewer")
def compare(request):
    """Villages of one district side by side, one potential year."""
    district = None
    code = request.GET.get("district", "") or (
        request.user.region_id if request.user.role == "district_viewer" else ""
    )
    if code:
        try:
            district = regions.get_region(code)
        except (BadRegionCode, Region.DoesNotExist):
            district = None
    if district is not None and district.level != Region.Level.DISTRICT:
        district = None
    if district is not None and not read_scope(request.user).allows(district.code):
        # A district viewer asking for another district would otherwise see an empty table,
        # as if its villages had no figures (the public API shows that they do).
        return render(
            request,
            "villages/compare.html",
            {"district": None, "not_yours": district, "code": code, "year": ""},
            status=403,
        )
    try:
        year = int(request.GET.get("year") or datetime.date.today().year)
    except ValueError:
        year = datetime.date.today().year
    villages, rows = [], []
    if district is not None:
        villages = list(district.children.order_by("name"))
        entries = PotentialEntry.objects.visible_to(request.user).filter(
            within("village_id", district.code), year=year
        )
        # "Sawah" and "sawah " are one row; the first spelling seen is shown.
        cells: dict[tuple, dict[str, str]] = {}
        shown: dict[tuple, tuple[str, str]] = {}
        for e in entries:
            item, unit = services.same_text(e.item), services.same_text(e.unit)
            key = (e.category, item.casefold(), unit.casefold())
            shown.setdefault(key, (item, unit))
            cells.setdefault(key, {})[e.village_id] = e.value
        labels = dict(PotentialCategory.choices)
        rows = [
            (labels[key[0]], *shown[key], [cells[key].get(v.code, "") for v in villages])
            for key in sorted(cells)
        ]
    return render(
        request,
        "villages/compare.html",
        {"district": district, "year": year, "villages": villages, "rows": rows, "code": code},
    )
