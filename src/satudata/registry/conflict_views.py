"""The custodian's NIK conflict list: filter it, close one conflict, or close every open one
the filters select at once (thin: `services.conflicts` does the work)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from satudata.core import once
from satudata.core.access import custodian
from satudata.core.formerrors import labelled_errors
from satudata.core.models import SentForm
from satudata.registry.conflict_forms import CONFLICT_SOURCES, ConflictFilterForm
from satudata.registry.models import NikConflict
from satudata.registry.services import conflicts as conflict_services

PAGE_SIZE = 50


@custodian
def conflicts(request):
    """Open conflicts first (what needs the custodian), every conflict with ?all=1; the
    filters narrow both, and the open ones they select can be closed at once."""
    form = ConflictFilterForm(request.GET)
    if form.is_valid():
        found = conflict_services.selected(form.filters())
    else:  # a mistyped code: say so, rather than list (and offer to close) more than meant
        found = NikConflict.objects.none()
    # The newest open conflict shown: the close-all button closes none logged after it.
    newest = found.filter(resolved=False).aggregate(newest=Max("pk"))["newest"]
    found = found.select_related("village", "holder_village", "actor")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/conflicts.html",
        {
            "form": form,
            "filter_errors": labelled_errors(form),
            "page_obj": page,
            "show_all": form.is_valid() and form.cleaned_data["all"],
            "query_string": form.query_string(),
            "open_query": form.query_string(show_all=False),
            "all_query": form.query_string(show_all=True),
            "sources": CONFLICT_SOURCES,
            "once": once.new_token(),
            "newest": newest,
        },
    )


@custodian
@require_POST
def conflict_resolve(request, conflict_id: int):
    conflict = get_object_or_404(NikConflict, pk=conflict_id)
    conflict_services.resolve_conflict(request.user, conflict)
    messages.success(request, _("The conflict over NIK %(nik)s is closed.") % {"nik": conflict.nik})
    # Back to the list as filtered, on the page the button was on (it went to page 1). The
    # filters come back checked again and the page as a number, never as a raw address; a
    # page without filters sent `all` alone.
    form = ConflictFilterForm(QueryDict(request.POST.get("filters", "")))
    if not form.query_string() and request.POST.get("all"):
        form = ConflictFilterForm({"all": "1"})
    return redirect(_list_url(form, _page_after_close(form, request.POST.get("page"))))


def _page_after_close(form: ConflictFilterForm, sent_page: str | None) -> int:
    """The page sent, or the last one left when closing emptied it, as the list reads a
    page number (what is not a number is page 1)."""
    filters = form.filters() if form.is_valid() else conflict_services.ConflictFilters()
    return Paginator(conflict_services.selected(filters), PAGE_SIZE).get_page(sent_page).number


@custodian
@require_http_methods(["GET", "POST"])
def conflicts_close(request):
    """Close every open conflict the sent filters select, if they are still the count the
    page showed (sent back by the form)."""
    form = ConflictFilterForm(request.POST)
    back = _list_url(form)
    if request.method == "GET":  # an address followed, not the button: nothing is closed
        return redirect(reverse("registry:conflicts"))
    if not form.is_valid():
        for error in labelled_errors(form):
            messages.error(request, error)
        return redirect(back)
    try:
        expected = int(request.POST.get("count", ""))
        newest = int(request.POST.get("newest", ""))
    except ValueError:
        messages.error(request, _("The number of conflicts to close is missing; try again."))
        return redirect(back)
    sent = once.claim(request)
    if isinstance(sent, SentForm):  # a double click: the first click's outcome
        return once.repeat(request, sent)
    try:
        closed = conflict_services.close_selected(request.user, form.filters(), expected, newest)
    except ValidationError as exc:
        sent.release()
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(
        request,
        ngettext("%(n)s conflict closed.", "%(n)s conflicts closed.", closed)
        % {"n": number_format(closed, force_grouping=True)},
    )
    return sent.finish(redirect(back))


def _list_url(form: ConflictFilterForm, page: int = 1) -> str:
    """The conflict list with the form's valid filters, on `page`."""
    kept = form.query_string() + (f"page={page}" if page > 1 else "")
    kept = kept.rstrip("&")
    return reverse("registry:conflicts") + ("?" + kept if kept else "")
