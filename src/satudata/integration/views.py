"""Producers' pages for their agency's connectors and run log; the custodian sees all. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satudata.core.access import role
from satudata.integration import services
from satudata.integration.forms import ConnectorForm
from satudata.integration.models import Connector, ConnectorRun

RUNS_SHOWN = 50


def _connector(request, connector_id: int) -> Connector:
    found = Connector.objects.visible_to(request.user).select_related("agency", "dataset")
    return get_object_or_404(found, pk=connector_id)


@role("producer")
def index(request):
    connectors = list(
        Connector.objects.visible_to(request.user).select_related("agency", "dataset")
    )
    last = {}
    for run in ConnectorRun.objects.filter(connector__in=connectors).order_by("-id"):
        last.setdefault(run.connector_id, run)
    rows = [(c, last.get(c.pk)) for c in connectors]
    runs = ConnectorRun.objects.visible_to(request.user).select_related("connector")[:RUNS_SHOWN]
    return render(request, "integration/index.html", {"rows": rows, "runs": runs})


def _save(request, form: ConnectorForm, connector: Connector | None):
    if not form.is_valid():
        return None
    try:
        if connector is None:
            return services.create_connector(request.user, **form.values())
        return services.update_connector(request.user, connector, **form.values())
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                target = "mapping_text" if field == "mapping" else field
                form.add_error(target if target in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
    return None


@role("producer")
def create(request):
    form = ConnectorForm(request.POST or None, user=request.user)
    if request.method == "POST":
        connector = _save(request, form, None)
        if connector is not None:
            messages.success(request, _("The connector is saved; its first pull is queued."))
            return redirect("integration:detail", connector_id=connector.pk)
    return render(request, "integration/form.html", {"form": form, "connector": None})


@role("producer")
def edit(request, connector_id: int):
    connector = _connector(request, connector_id)
    form = ConnectorForm(request.POST or None, instance=connector, user=request.user)
    if request.method == "POST":
        saved = _save(request, form, connector)
        if saved is not None:
            messages.success(request, _("The connector is saved."))
            return redirect("integration:detail", connector_id=saved.pk)
    return render(request, "integration/form.html", {"form": form, "connector": connector})


@role("producer")
def detail(request, connector_id: int):
    connector = _connector(request, connector_id)
    runs = connector.runs.select_related("release")[:RUNS_SHOWN]
    return render(request, "integration/detail.html", {"connector": connector, "runs": runs})


@role("producer")
@require_POST
def run_now(request, connector_id: int):
    connector = _connector(request, connector_id)
    services.request_run(request.user, connector)
    messages.success(request, _("The pull is queued; the worker runs it shortly."))
    return redirect("integration:detail", connector_id=connector.pk)


@role("producer")
@require_POST
def delete(request, connector_id: int):
    connector = _connector(request, connector_id)
    services.delete_connector(request.user, connector)
    messages.success(request, _("The connector is deleted; its run log stays in the history."))
    return redirect("integration:index")
