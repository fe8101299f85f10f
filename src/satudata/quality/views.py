"""Pages of the quality app: duplicates (custodian), aid-list verification, the dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satudata.core.access import custodian, role, scoped
from satudata.quality import exports
from satudata.quality.forms import ListUploadForm
from satudata.quality.models import CandidatePair, Merge
from satudata.quality.services import dashboard as dash
from satudata.quality.services import dedup_runs, verify
from satudata.quality.services import merge as merging


@scoped
def dashboard(request):
    lists = verify.lists_visible_to(request.user)
    d = dash.build(request.user, lists)
    context = {
        "d": d,
        "bars": dash.svg_bars(d.rollout, d.rollout_target),
        "target_y": 0,
    }
    return render(request, "quality/dashboard.html", context)


@custodian
def duplicates(request):
    page = Paginator(merging.pending_pairs(), 25).get_page(request.GET.get("page"))
    search = dedup_runs.latest()
    context = {
        "page_obj": page,
        "search": search,
        "searching": search is not None and search.status in dedup_runs.ACTIVE,
    }
    return render(request, "quality/duplicates.html", context)


@custodian
@require_POST
def search_duplicates(request):
    dedup_runs.request(request.user)
    messages.success(
        request, _("The search for duplicates is queued; this page shows its progress.")
    )
    return redirect("quality:duplicates")


@custodian
@require_POST
def merge(request, pair_id: int):
    pair = get_object_or_404(CandidatePair, pk=pair_id)
    try:
        merging.merge(request.user, pair, request.POST.get("keep", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Merged. The merge can be undone from the list of merges."))
    return redirect("quality:duplicates")


@custodian
@require_POST
def different(request, pair_id: int):
    pair = get_object_or_404(CandidatePair, pk=pair_id)
    try:
        merging.mark_different(request.user, pair)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Marked as different people; not proposed again."))
    return redirect("quality:duplicates")


@custodian
def merges(request):
    merges = Merge.objects.select_related("kept__village", "removed", "actor")
    page = Paginator(merges, 25).get_page(request.GET.get("page"))
    return render(request, "quality/merges.html", {"page_obj": page})


@custodian
@require_POST
def undo(request, merge_id: int):
    record = get_object_or_404(Merge, pk=merge_id)
    try:
        merging.undo(request.user, record)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The merge was undone."))
    return redirect("quality:merges")


@role("producer")
def lists(request):
    form = ListUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            blist, _report = verify.upload(
                request.user, upload.read(), upload.name, form.cleaned_data["program"]
            )
        except verify.ListError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("quality:list", list_id=blist.pk)
    context = {"form": form, "lists": verify.lists_visible_to(request.user)[:50]}
    return render(request, "quality/lists.html", context, status=400 if form.errors else 200)


def _visible_list(request, list_id: int):
    return get_object_or_404(verify.lists_visible_to(request.user), pk=list_id)


@role("producer")
def list_detail(request, list_id: int):
    blist = _visible_list(request, list_id)
    rows = blist.beneficiaries.all()
    result = request.GET.get("result", "")
    if result:
        rows = rows.filter(result=result)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    labels = dict(blist.beneficiaries.model.Result.choices)
    summary = [(key, labels.get(key, key), n) for key, n in blist.summary.items() if key in labels]
    context = {
        "blist": blist,
        "page_obj": page,
        "summary": summary,
        "other_program": blist.summary.get("other_program", 0),
        "result": result,
    }
    return render(request, "quality/list.html", context)


@role("producer")
def list_download(request, list_id: int, fmt: str):
    blist = _visible_list(request, list_id)
    rows = blist.beneficiaries.all()
    if fmt == "csv":
        body, mime = exports.as_csv(rows), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = exports.as_xlsx(rows)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(body, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="verifikasi-{blist.pk}.{fmt}"'
    return response
