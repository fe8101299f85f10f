"""Portal pages (catalog, dataset, agency, API) and the producers' workspace; thin views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satudata.accounts.models import Agency
from satudata.core.access import custodian, public, role
from satudata.core.deadline import limited_public_read
from satudata.core.paging import page_number
from satudata.datasets import charts, exports, forms, regionmap, services
from satudata.datasets import search as catalog_search
from satudata.datasets.datastore import db_value
from satudata.datasets.models import Dataset, Release
from satudata.datasets.query import QueryError, readable_releases, search_release

PAGE = 20


def _readable_dataset(request, slug: str) -> Dataset:
    user = request.user
    readable = catalog_search.catalog(user) | Dataset.objects.editable_by(user)
    return get_object_or_404(readable.select_related("agency"), slug=slug)


@public
@limited_public_read
def catalog(request):
    q = request.GET.get("q", "").strip()[:200]
    fq = " ".join(
        f'{name}:"{value}"'
        for name in ("organization", "groups", "tags", "region", "year", "res_format")
        for value in request.GET.getlist(name)[:5]
        if value and '"' not in value
    )
    page = page_number(request)
    sort = request.GET.get("sort", "metadata_modified desc")
    if sort not in ("metadata_modified desc", "title_string asc", "metadata_created desc"):
        sort = "metadata_modified desc"
    try:
        found = catalog_search.search(
            request.user,
            q=q,
            fq=fq,
            sort=sort,
            start=(page - 1) * PAGE,
            rows=PAGE,
            facet_fields=["organization", "groups", "tags", "region", "year", "res_format"],
            facet_limit=12,
        )
    except catalog_search.SearchQueryError as exc:
        # A filter such as year=abc: say what is wrong instead of failing.
        messages.error(request, str(exc))
        found = catalog_search.SearchResult(count=0, results=[])
    pages = max(1, (found.count + PAGE - 1) // PAGE)
    if found.ignored_words:
        messages.info(request, catalog_search.ignored_words_note(found.ignored_words))
    keep = request.GET.copy()
    keep.pop("page", None)
    unsorted = keep.copy()
    unsorted.pop("sort", None)
    context = {
        "q": q,
        "found": found,
        "facets": (facets := _facet_links(keep, found.facets)),
        "any_facet": any(facets.values()),
        "filtered": bool(fq),
        "page": page,
        "pages": pages,
        "sort": sort,
        "query_string": keep.urlencode(),
        "unsorted_query": unsorted.urlencode(),
    }
    return render(request, "datasets/catalog.html", context)


def _facet_links(query, facets) -> dict[str, list[dict]]:
    """Each facet value with the link that adds it to the filters, or removes it when it is
    already chosen, so a chosen value is marked and a second tap undoes it."""
    links = {}
    for name, items in facets.items():
        chosen = query.getlist(name)
        links[name] = []
        for value, label, count in items:
            value = str(value)
            toggled = query.copy()
            others = [v for v in chosen if v != value]
            toggled.setlist(name, others if value in chosen else [*chosen, value])
            links[name].append(
                {
                    "label": label,
                    "count": count,
                    "selected": value in chosen,
                    "query": toggled.urlencode(),
                }
            )
    return links


@public
def detail(request, slug: str):
    dataset = _readable_dataset(request, slug)
    releases = list(
        readable_releases(request.user)
        .filter(dataset=dataset)
        .order_by("-year", "-period", "-version")
    )
    fields = list(dataset.fields.all())
    context = {"dataset": dataset, "releases": releases, "fields": fields}
    chosen = None
    wanted = request.GET.get("resource")
    chosen = next((r for r in releases if str(r.uuid) == wanted), releases[0] if releases else None)
    if chosen is not None:
        names = {f.name for f in fields}
        column = request.GET.get("column", "")
        value = request.GET.get("value", "").strip()
        sort = request.GET.get("sort", "")
        order = request.GET.get("order", "asc")
        page = page_number(request)
        filters = {column: value} if column in names and value else None
        try:
            table = search_release(
                chosen,
                filters=filters,
                sort=f"{sort} {'desc' if order == 'desc' else 'asc'}" if sort in names else None,
                limit=PAGE,
                offset=(page - 1) * PAGE,
            )
        except QueryError as exc:
            messages.error(request, str(exc))
            table = search_release(chosen, limit=PAGE)
        groups, measures = charts.chart_fields(fields)
        keep = request.GET.copy()
        keep.pop("page", None)
        context.update(
            {
                "chosen": chosen,
                "table": table,
                "column": column,
                "value": value,
                "sort": sort,
                "order": order,
                "page": page,
                "pages": max(1, ((table["total"] or 0) + PAGE - 1) // PAGE),
                "query_string": keep.urlencode(),
                "groups": groups,
                "measures": measures,
                "chart_x": request.GET.get("x") or (groups[0].name if groups else ""),
                "chart_y": request.GET.get("y") or _default_y(groups, measures),
                "chart_kind": "line" if request.GET.get("kind") == "line" else "bar",
            }
        )
        context.update(_map_context(request, chosen, fields, filters))
    return render(request, "datasets/detail.html", context)


def _default_y(groups, measures) -> str:
    measure = charts.default_measure(measures, groups[0].name if groups else "")
    return measure.name if measure else ""


def _map_context(request, release: Release, fields, filters) -> dict:
    """The region map of the chosen release, when it has a region-code and a numeric field;
    it follows the table's filter (a value that does not fit its column maps everything)."""
    regions, measures = regionmap.map_fields(fields)
    if not regions or not measures:
        return {}
    wanted = request.GET.get("map_y", "")
    measure = next((f for f in measures if f.name == wanted), measures[0])
    where = None
    if filters:
        ((name, value),) = filters.items()
        field = next(f for f in fields if f.name == name)
        try:
            where = (field, db_value(field, value))
        except ValueError:
            where = None
    return {
        "map_measures": measures,
        "map_measure": measure,
        "map_region": regions[0],
        "region_map": regionmap.region_map(release, regions[0], measure, where),
    }


def _release_for(request, slug: str, resource_id) -> Release:
    dataset = _readable_dataset(request, slug)
    release = readable_releases(request.user).filter(dataset=dataset, uuid=resource_id).first()
    if release is None:
        raise Http404(_("No such release."))
    return release


@public
def download(request, slug: str, resource_id, fmt: str):
    if fmt not in ("csv", "xlsx", "json"):
        raise Http404(_("Download as csv, xlsx or json."))
    return exports.download(_release_for(request, slug, resource_id), fmt)


@public
def chart(request, slug: str, resource_id):
    release = _release_for(request, slug, resource_id)
    fields = {f.name: f for f in release.dataset.fields.all()}
    groups, measures = charts.chart_fields(list(fields.values()))
    x = fields.get(request.GET.get("x", "")) or (groups[0] if groups else None)
    y = fields.get(request.GET.get("y", "")) or (
        charts.default_measure(measures, x.name) if x else None
    )
    if x is None or y is None or y not in measures:
        raise Http404(_("This release has nothing to chart."))
    kind = "line" if request.GET.get("kind") == "line" else "bar"
    title = f"{y.label} / {x.label}"
    total = charts.group_count(release, x)
    if total > charts.MAX_BARS:
        # Never drop groups silently: the title says how many the chart leaves out.
        title += " — " + _("the first %(shown)d of %(total)d, see the table") % {
            "shown": charts.MAX_BARS,
            "total": total,
        }
    body = charts.svg(charts.series(release, x, y), kind, title)
    return HttpResponse(body, content_type="image/svg+xml")


@public
def agency(request, agency: str):
    found = get_object_or_404(Agency, slug=agency, is_active=True)
    datasets = catalog_search.catalog(request.user).filter(agency=found).order_by("title")
    return render(request, "datasets/agency.html", {"agency": found, "datasets": datasets})


@public
def developers(request):
    example = catalog_search.catalog(request.user).order_by("slug").first()
    return render(request, "datasets/developers.html", {"example": example})


# The producers' workspace.


@role("producer")
def workspace(request):
    datasets = Dataset.objects.editable_by(request.user).select_related("agency")
    return render(request, "datasets/workspace.html", {"datasets": datasets.order_by("title")})


def _dataset_form(request, dataset: Dataset | None):
    """Create (dataset None) or edit a dataset and its schema; one service call saves both."""
    user = request.user
    schema_locked = dataset is not None and services.schema_locked(dataset)
    post = request.POST if request.method == "POST" else None
    form = forms.DatasetForm(post, instance=dataset, user=user, editing=dataset is not None)
    fieldset = forms.FieldFormSet(post, initial=forms.field_initial(dataset), prefix="fields")
    if post is not None and form.is_valid() and (schema_locked or fieldset.is_valid()):
        fields = None if schema_locked else fieldset.specs()
        try:
            if dataset is None:
                agency = form.cleaned_data.get("agency") or user.agency
                if agency is None:
                    raise PermissionDenied(_("You may only create datasets for your own agency."))
                dataset = services.create_dataset(
                    user, agency=agency, fields=fields or (), **form.metadata()
                )
                messages.success(request, _("The dataset is created as a draft."))
            else:
                dataset = services.update_dataset(user, dataset, fields=fields, **form.metadata())
                messages.success(request, _("The dataset is saved."))
        except ValidationError as exc:
            # The service's own checks (unknown region codes, a locked schema…) next to the
            # field they name, or at the top of the form.
            errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for name, texts in errors.items():
                form.add_error(name if name in form.fields else None, texts)
        else:
            return redirect("datasets:manage", slug=dataset.slug)
    context = {
        "dataset": dataset,
        "form": form,
        "fieldset": fieldset,
        "schema_locked": schema_locked,
        "problems": forms.problems(form, fieldset) if post is not None else [],
    }
    return render(
        request, "datasets/form.html", context, status=400 if context["problems"] else 200
    )


@role("producer")
def new(request):
    return _dataset_form(request, None)


@role("producer")
def edit(request, slug: str):
    return _dataset_form(
        request, get_object_or_404(Dataset.objects.editable_by(request.user), slug=slug)
    )


@role("producer")
def manage(request, slug: str):
    dataset = get_object_or_404(Dataset.objects.editable_by(request.user), slug=slug)
    releases = dataset.releases.order_by("-created_at")
    context = {
        "dataset": dataset,
        "releases": releases,
        "fields": dataset.fields.all(),
        "steps": services.steps_for(request.user, dataset),
    }
    return render(request, "datasets/manage.html", context)


@role("producer")
@require_POST
def upload(request, slug: str):
    dataset = get_object_or_404(Dataset.objects.editable_by(request.user), slug=slug)
    upload_file = request.FILES.get("file")
    try:
        year = int(request.POST.get("year", ""))
        period_type = request.POST.get("period_type", "year")
        period = int(request.POST.get("period") or 0)
        if upload_file is None:
            raise ValidationError(_("Choose a file to upload."))
        release = services.upload_file_object(
            request.user, dataset, upload_file, year=year, period_type=period_type, period=period
        )
    except ValueError:
        messages.error(request, _("The year and period must be numbers."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if release.status == Release.Status.VALID:
            messages.success(request, _("The release is valid and stored."))
        else:
            messages.error(
                request,
                _("The release has %(n)d problems; see the report.") % {"n": release.error_count},
            )
        return redirect("datasets:report", slug=dataset.slug, resource_id=release.uuid)
    return redirect("datasets:manage", slug=dataset.slug)


@role("producer")
def report(request, slug: str, resource_id):
    dataset = get_object_or_404(Dataset.objects.editable_by(request.user), slug=slug)
    release = get_object_or_404(dataset.releases, uuid=resource_id)
    context = {
        "dataset": dataset,
        "release": release,
        "can_withdraw": request.user.is_custodian
        and release.status not in (Release.Status.INVALID, Release.Status.WITHDRAWN),
    }
    return render(request, "datasets/report.html", context)


@custodian
@require_POST
def withdraw(request, slug: str, resource_id):
    """The custodian takes one release down (wrong data, personal data found in it)."""
    dataset = get_object_or_404(Dataset.objects.editable_by(request.user), slug=slug)
    release = get_object_or_404(dataset.releases, uuid=resource_id)
    try:
        services.withdraw_release(request.user, release, request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The release is withdrawn; no one can read it any more."))
    return redirect("datasets:report", slug=dataset.slug, resource_id=release.uuid)


WORKFLOW = {
    "submit": lambda user, d, post: services.submit(user, d),
    "verify": lambda user, d, post: services.verify(user, d),
    "publish": lambda user, d, post: services.publish(user, d),
    "return": lambda user, d, post: services.return_for_correction(
        user, d, post.get("comment", "")
    ),
    "unpublish": lambda user, d, post: services.unpublish(user, d, post.get("comment", "")),
}


@role("producer")
@require_POST
def workflow(request, slug: str):
    dataset = get_object_or_404(Dataset.objects.editable_by(request.user), slug=slug)
    step = WORKFLOW.get(request.POST.get("step", ""))
    if step is None:
        raise Http404(_("Unknown step."))
    try:
        dataset = step(request.user, dataset, request.POST)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The dataset is now %(s)s.") % {"s": dataset.get_status_display()}
        )
    return redirect("datasets:manage", slug=dataset.slug)
