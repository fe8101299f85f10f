from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from satudata.audit import services
from satudata.audit.display import shown, value_namers
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
    labels = {}  # model label -> its fields' names in the UI's language, read once a page
    rows = []
    for entry in page:
        if entry.model_label not in labels:
            labels[entry.model_label] = _field_labels(entry.model_label)
        named = labels[entry.model_label]
        fields = [named.get(f, f) for f, _before, _after in entry.changes()]
        rows.append((entry, _kind(entry.model_label), fields))
    kinds = AuditEntry.objects.order_by().values_list("model_label", flat=True).distinct()
    context = {
        "page_obj": page,
        "rows": rows,
        "filters": filters,
        "query_string": urlencode(active) + "&" if active else "",
        # The record types by name (kartu keluarga), not by code (registry.family).
        "models": sorted(((m, _kind(m)) for m in kinds), key=lambda pair: pair[1].lower()),
        "actions": AuditEntry.Action.choices,
    }
    return render(request, "audit/index.html", context)


# Keys of entries that describe an action rather than a record's fields (an export, an
# import job): named like fields, so the history reads in the user's language.
DETAIL_LABELS = {
    "area": gettext_lazy("area"),
    # A close of NIK conflicts in bulk (registry.services.conflicts) keeps how many.
    "closed": gettext_lazy("conflicts closed"),
    "file": gettext_lazy("file"),
    "format": gettext_lazy("format"),
    # A merge's entry on the kept record (quality.services.merge) names the other record.
    "merged_with": gettext_lazy("merged with record"),
    "residents": gettext_lazy("residents"),
}


def _field_labels(model_label: str) -> dict[str, str]:
    """Stored field names (family_id) as the record's form names them (keluarga)."""
    model = _model(model_label)
    fields = model._meta.concrete_fields if model is not None else ()
    return {k: str(v) for k, v in DETAIL_LABELS.items()} | {
        f.attname: str(f.verbose_name) for f in fields
    }


def _model(model_label: str):
    try:
        return services.model_for_label(model_label)
    except ObjectDoesNotExist:
        return None


def _kind(model_label: str) -> str:
    try:
        return str(services.model_for_label(model_label)._meta.verbose_name)
    except ObjectDoesNotExist:
        return model_label


@custodian
def record_history(request, model_label: str, object_pk: str):
    entries = list(services.history(model_label, object_pk))
    current = services.find(model_label, object_pk)
    labels = _field_labels(model_label)
    namers = value_namers(_model(model_label))
    notes = services.notes(current) if current is not None else []
    # A record gone from its table is still named by its last history entry.
    name = str(current) if current is not None else (entries[0].object_repr if entries else "")
    context = {
        "entries": [
            (
                e,
                [
                    (labels.get(f, f), shown(namers, f, before), shown(namers, f, after))
                    for f, before, after in e.changes()
                ],
            )
            for e in entries
        ],
        "model_label": model_label,
        "object_pk": object_pk,
        "kind": _kind(model_label),
        "name": name,
        "current": current,
        "notes": notes,
        "is_deleted": getattr(current, "deleted_at", None) is not None,
        "restore_blocked": any(note.blocks_restore for note in notes),
    }
    return render(request, "audit/record.html", context)


@custodian
def deleted(request):
    """Deletions whose record is still deleted, newest first: restorable, unless another app
    must undo them (a record removed by a merge comes back through "Undo merge")."""
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.DELETE).select_related("actor")
    still_deleted = []
    for entry in entries[:500]:
        record = services.find(entry.model_label, entry.object_pk)
        if record is not None and getattr(record, "deleted_at", None) is not None:
            blocking = [n for n in services.notes(record) if n.blocks_restore]
            still_deleted.append((entry, blocking[0] if blocking else None))
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
