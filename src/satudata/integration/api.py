"""REST routes of the integration app (mounted under /api/v1/): connectors and their run log.

Agencies' applications push releases through the datasets app's upload route
(`POST /api/v1/datasets/{slug}/releases`) with their tokens; these routes add what pulling
needs: connectors, "run now" and the run log, scoped like the caller's account.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from satudata.api.auth import signed_in
from satudata.api.schemas import one_of
from satudata.datasets.models import Dataset
from satudata.integration import addresses, services
from satudata.integration.models import Connector, ConnectorRun

router = Router(tags=["integration"])
RUNS_SHOWN = 100

# The models' choices, as `enum`s in OpenAPI; a wrong value is refused naming the accepted ones.
Kind = one_of(Connector.Kind)
Format = one_of(Connector.Format)
RunStatus = one_of(ConnectorRun.Status)
RunStatusFilter = one_of(["", *ConnectorRun.Status.values])


class ConnectorIn(Schema):
    name: str
    dataset: str
    kind: Kind = "url"
    url: str
    format: Format = "csv"
    ckan_dataset: str = ""
    ckan_resource: str = ""
    mapping: dict[str, str] = {}
    year: int | None = None
    interval_minutes: int = 1440
    enabled: bool = True
    timeout_seconds: int = 30
    max_size_mb: int = 200


class ConnectorOut(Schema):
    id: int
    name: str
    agency: str
    dataset: str
    kind: Kind
    url: str
    format: Format
    ckan_dataset: str
    ckan_resource: str
    mapping: dict[str, str]
    year: int | None
    interval_minutes: int
    enabled: bool
    next_run_at: datetime.datetime | None


class RunOut(Schema):
    id: int
    connector: int
    status: RunStatus
    attempt: int
    due_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    rows: int
    size: int
    messages: list[str]
    next_retry_at: datetime.datetime | None
    release: str | None


def _connector_out(c: Connector) -> dict:
    return {
        **{
            k: getattr(c, k)
            for k in "id name kind format ckan_dataset ckan_resource mapping year "
            "interval_minutes enabled next_run_at".split()
        },
        "url": c.shown_url,
        "agency": c.agency.slug,
        "dataset": c.dataset.slug,
    }


def _run_out(r: ConnectorRun) -> dict:
    return {
        **{
            k: getattr(r, k)
            for k in "id status attempt due_at started_at finished_at rows size messages "
            "next_retry_at".split()
        },
        "connector": r.connector_id,
        "release": r.release.resource_id if r.release_id else None,
    }


def _connector(request, connector_id: int) -> Connector:
    connector = (
        Connector.objects.visible_to(request.user)
        .select_related("agency", "dataset")
        .filter(pk=connector_id)
        .first()
    )
    if connector is None:
        raise HttpError(404, _("No connector has this number."))
    return connector


@router.get("/connectors", response=list[ConnectorOut], auth=signed_in, summary="Connectors")
def list_connectors(request):
    """The connectors of the caller's agency (all of them for the custodian)."""
    found = Connector.objects.visible_to(request.user).select_related("agency", "dataset")
    return [_connector_out(c) for c in found]


@router.post(
    "/connectors", response={201: ConnectorOut}, auth=signed_in, summary="Create a connector"
)
def create_connector(request, payload: ConnectorIn):
    """A connector pulling a URL or another CKAN portal into one of the caller's datasets."""
    values = payload.dict()
    problem = addresses.refusal_at_save(values["url"])
    if problem:  # the same refusal as the form's; names are checked again at every pull
        raise ValidationError({"url": problem})
    dataset = Dataset.objects.editable_by(request.user).filter(slug=values["dataset"]).first()
    if dataset is None:
        raise HttpError(400, _("You may only connect sources to your own agency's datasets."))
    values["dataset"] = dataset
    return 201, _connector_out(services.create_connector(request.user, **values))


@router.get(
    "/connectors/{connector_id}", response=ConnectorOut, auth=signed_in, summary="A connector"
)
def get_connector(request, connector_id: int):
    return _connector_out(_connector(request, connector_id))


@router.post(
    "/connectors/{connector_id}/run",
    response={202: RunOut},
    auth=signed_in,
    summary="Run a connector now",
)
def run_connector(request, connector_id: int):
    """Queue a pull for the worker (`satudata worker`); the run appears in the run log."""
    connector = _connector(request, connector_id)
    return 202, _run_out(services.request_run(request.user, connector))


@router.get(
    "/connectors/{connector_id}/runs",
    response=list[RunOut],
    auth=signed_in,
    summary="A connector's run log",
)
def connector_runs(request, connector_id: int):
    connector = _connector(request, connector_id)
    return [_run_out(r) for r in connector.runs.select_related("release")[:RUNS_SHOWN]]


@router.get("/connector-runs", response=list[RunOut], auth=signed_in, summary="Recent runs")
def recent_runs(request, status: RunStatusFilter = ""):
    """The latest runs of every connector the caller may see, optionally of one status."""
    runs = ConnectorRun.objects.visible_to(request.user).select_related("release")
    if status:
        runs = runs.filter(status=status)
    return [_run_out(r) for r in runs[:RUNS_SHOWN]]
