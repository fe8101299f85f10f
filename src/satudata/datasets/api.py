"""REST routes of the datasets app (mounted under /api/v1/): producers' and custodian's work."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from satudata.accounts.models import Agency
from satudata.api.auth import signed_in
from satudata.api.schemas import StrictIn, one_of
from satudata.datasets import services
from satudata.datasets.models import Dataset, Field, Release

router = Router(tags=["datasets"])

# The models' choices, as `enum`s in OpenAPI; a wrong value is refused naming the accepted ones.
Topic = one_of(Dataset.Topic)
Access = one_of(Dataset.Access)
Frequency = one_of(Dataset.Frequency)
License = one_of(Dataset.License)
Status = one_of(Dataset.Status)
FieldType = one_of(Field.Type)
PeriodType = one_of(Release._meta.get_field("period_type").choices)


class FieldIn(StrictIn):
    name: str
    label: str
    type: FieldType
    unit: str = ""
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    pattern: str = ""
    code_list: str | None = None
    filterable: bool = False


class DatasetIn(StrictIn):
    slug: str
    title: str
    description: str = ""
    agency: str
    topic: Topic
    tags: list[str] = []
    regions: list[str] = []
    concept: str = ""
    definition: str = ""
    classification: str = ""
    measure: str = ""
    unit: str = ""
    frequency: Frequency = "yearly"
    temporal_start: int | None = None
    temporal_end: int | None = None
    license: License = "cc-by"
    access_level: Access = "open"
    contact: str = ""
    release_schedule: str = ""
    fields: list[FieldIn] = []


class DatasetPatch(StrictIn):
    title: str | None = None
    description: str | None = None
    topic: Topic | None = None
    tags: list[str] | None = None
    access_level: Access | None = None
    contact: str | None = None
    release_schedule: str | None = None
    fields: list[FieldIn] | None = None


class DatasetOut(Schema):
    id: str
    slug: str
    title: str
    agency: str
    status: Status
    access_level: Access
    review_comment: str


class ReleaseOut(Schema):
    id: str
    period: str
    version: int
    status: str
    rows: int
    error_count: int
    report: dict


class ReturnIn(StrictIn):
    comment: str


class WithdrawIn(StrictIn):
    reason: str


def _out(dataset: Dataset) -> dict:
    return {
        "id": str(dataset.uuid),
        "slug": dataset.slug,
        "title": dataset.title,
        "agency": dataset.agency.slug,
        "status": dataset.status,
        "access_level": dataset.access_level,
        "review_comment": dataset.review_comment,
    }


def _release_out(release) -> dict:
    return {
        "id": release.resource_id,
        "period": release.period_label,
        "version": release.version,
        "status": release.status,
        "rows": release.row_count,
        "error_count": release.error_count,
        "report": release.report,
    }


def _editable(request, slug: str, reading: bool = False) -> Dataset:
    dataset = Dataset.objects.visible_to(request.user).filter(slug=slug).first()
    if dataset is None:
        raise HttpError(404, _("No dataset has this name."))
    if not services.can_edit(request.user, dataset):
        if reading:
            # Releases carry drafts and their validation reports: the owning agency's work.
            raise HttpError(403, _("Only the agency that owns a dataset sees its releases."))
        raise HttpError(403, _("You may only change your own agency's datasets."))
    return dataset


@router.get("/datasets/mine", response=list[DatasetOut], auth=signed_in, summary="My datasets")
def my_datasets(request):
    """The datasets this account may change (its agency's; all for the custodian)."""
    return [_out(d) for d in Dataset.objects.editable_by(request.user).select_related("agency")]


@router.post("/datasets", response={201: DatasetOut}, auth=signed_in, summary="Create a dataset")
def create_dataset(request, payload: DatasetIn):
    agency = Agency.objects.filter(slug=payload.agency).first()
    if agency is None:
        raise HttpError(400, _("Unknown agency."))
    data = payload.dict()
    data.pop("agency")
    fields = data.pop("fields")
    dataset = services.create_dataset(request.user, agency=agency, fields=fields, **data)
    return 201, _out(dataset)


@router.patch("/datasets/{slug}", response=DatasetOut, auth=signed_in, summary="Change a dataset")
def update_dataset(request, slug: str, payload: DatasetPatch):
    dataset = _editable(request, slug)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    return _out(services.update_dataset(request.user, dataset, **data))


@router.post(
    "/datasets/{slug}/releases",
    response={201: ReleaseOut},
    auth=signed_in,
    summary="Upload a release (CSV, XLSX or JSON)",
)
def upload_release(
    request,
    slug: str,
    year: Form[int],
    file: File[UploadedFile],
    period_type: Form[PeriodType] = "year",
    period: Form[int] = 0,
):
    """Validates the file; the report lists row, field, value and a message in Indonesian."""
    dataset = _editable(request, slug)
    release = services.upload_file_object(
        request.user,
        dataset,
        file,
        year=year,
        period_type=period_type,
        period=period,
    )
    return 201, _release_out(release)


@router.get(
    "/datasets/{slug}/releases", response=list[ReleaseOut], auth=signed_in, summary="Releases"
)
def list_releases(request, slug: str):
    """Releases with their validation reports."""
    dataset = _editable(request, slug, reading=True)
    return [_release_out(r) for r in dataset.releases.order_by("-created_at")]


def _step(name):
    def route(request, slug: str):
        dataset = _editable(request, slug)
        return _out(getattr(services, name)(request.user, dataset))

    route.__name__ = f"{name}_dataset"
    return route


router.post("/datasets/{slug}/submit", response=DatasetOut, auth=signed_in, summary="Submit")(
    _step("submit")
)
router.post("/datasets/{slug}/verify", response=DatasetOut, auth=signed_in, summary="Verify")(
    _step("verify")
)
router.post("/datasets/{slug}/publish", response=DatasetOut, auth=signed_in, summary="Publish")(
    _step("publish")
)


@router.post(
    "/datasets/{slug}/return", response=DatasetOut, auth=signed_in, summary="Return for correction"
)
def return_dataset(request, slug: str, payload: ReturnIn):
    dataset = _editable(request, slug)
    return _out(services.return_for_correction(request.user, dataset, payload.comment))


@router.post(
    "/datasets/{slug}/unpublish",
    response=DatasetOut,
    auth=signed_in,
    summary="Unpublish (custodian)",
)
def unpublish_dataset(request, slug: str, payload: ReturnIn):
    """Take a published dataset down from every public surface at once; it goes back to its
    producer with `comment` as the reason."""
    dataset = _editable(request, slug)
    return _out(services.unpublish(request.user, dataset, payload.comment))


@router.post(
    "/datasets/{slug}/releases/{resource_id}/withdraw",
    response=ReleaseOut,
    auth=signed_in,
    summary="Withdraw a release (custodian)",
)
def withdraw_release(request, slug: str, resource_id: uuid.UUID, payload: WithdrawIn):
    """Take one release down for good (e.g. personal data found in it); `reason` is shown
    to its producer."""
    dataset = _editable(request, slug)
    release = dataset.releases.filter(uuid=resource_id).first()
    if release is None:
        raise HttpError(404, _("This dataset has no such release."))
    return _release_out(services.withdraw_release(request.user, release, payload.reason))
