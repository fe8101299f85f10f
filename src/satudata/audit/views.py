from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satudata.audit import services
from satudata.audit.models import AuditEntry
from satudata.core.access import custodian


@custodian
def index(request):
    entries = AuditEntry.objects.select_related("actor")
    filters = {
        key: request.GET.get(key, "").strip()[:100]
        for key in ("model", "action", "actor", "q", "region")
    }
    if filters["model"]:
        entries = entries.filter(model_label=filters["model"])
    if filters["action"]:
        entries = entries.filter(action=filters["action"])
    if filters["actor"]:
        entries = entries.filter(actor_label__iexact=filters["actor"])
    if filters["region"]:
        entries = entries.filter(region_code__startswith=filters["region"])
    if filters["q"]:
        entries = entries.filter(object_repr__icontains=filters["q"])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    active = {k: v for k, v in filters.items() if v}
    context = {
        "page_obj": page,
        "filters": filters,
        "query_string": urlencode(active) + "&" if active else "",
        "models": AuditEntry.objects.order_by().values_list("model_label", flat=True).distinct(),
        "actions": AuditEntry.Action.choices,
    }
    return render(request, "audit/index.html", context)


@custodian
def record_history(request, model_label: str, object_pk: str):
    entries = services.history(model_label, object_pk)
    try:
        model = services.model_for_label(model_label)
        current = model._base_manager.filter(pk=object_pk).first()
    except (ObjectDoesNotExist, ValueError, ValidationError):
        current = None
    context = {
        "entries": entries,
        "model_label": model_label,
        "object_pk": object_pk,
        "current": current,
        "is_deleted": getattr(current, "deleted_at", None) is not None,
    }
    return render(request, "audit/record.html", context)


@custodian
def deleted(request):
    """Deletions whose record is still deleted, newest first, each restorable."""
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.DELETE).select_related("actor")
    still_deleted = []
    for entry in entries[:500]:
        try:
            model = services.model_for_label(entry.model_label)
        except ObjectDoesNotExist:
            continue
        record = model._base_manager.filter(pk=entry.object_pk).first()
        if record is not None and getattr(record, "deleted_at", None) is not None:
            still_deleted.append(entry)
    return render(request, "audit/deleted.html", {"entries": still_deleted})


@custodian
@require_POST
def restore(request, model_label: str, object_pk: str):
    try:
        record = services.restore(request.user, model_label, object_pk)
    except ObjectDoesNotExist:
        messages.error(request, _("That record does not exist."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(record)s has been restored.") % {"record": record})
    return redirect("audit:record", model_label=model_label, object_pk=object_pk)
