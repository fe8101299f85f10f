"""All writes of the datasets app: metadata, schema, releases and the verification workflow.

Each function takes the acting user, checks scope, runs in one transaction and writes the
audit entry in it. Who may: the custodian everything; a producer only its own agency's datasets.
"""

from __future__ import annotations

import queue
import re
import tempfile
import threading
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.audit import services as audit
from satudata.audit.models import AuditEntry
from satudata.datasets import datastore
from satudata.datasets.ckan import stored
from satudata.datasets.models import (
    CodeList,
    CodeValue,
    Dataset,
    DatasetWord,
    Field,
    Release,
    Tag,
)
from satudata.datasets.validation import FileProblem, Outcome, Validator, read_frames
from satudata.regions.models import Region

META_FIELDS = (
    "slug title description topic concept definition classification measure unit frequency "
    "temporal_start temporal_end license access_level contact release_schedule is_demo"
).split()
WORD = re.compile(r"\w+", re.UNICODE)


def _custodian_only(actor) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.is_custodian):
        raise PermissionDenied(_("Only the data custodian (walidata) may do this."))


def _editable(actor, dataset: Dataset) -> None:
    if not Dataset.objects.editable_by(actor).filter(pk=dataset.pk).exists():
        raise PermissionDenied(_("You may only change your own agency's datasets."))


def can_edit(actor, dataset: Dataset) -> bool:
    return Dataset.objects.editable_by(actor).filter(pk=dataset.pk).exists()


@transaction.atomic
def create_code_list(actor, slug: str, name: str, values: list[tuple[str, str]]) -> CodeList:
    _custodian_only(actor)
    code_list = audit.create(actor, CodeList(slug=slug, name=name))
    for code, label in values:
        audit.create(actor, CodeValue(code_list=code_list, code=code, label=label))
    return code_list


def _index_words(dataset: Dataset) -> None:
    text = " ".join(
        [
            dataset.title,
            dataset.description,
            dataset.agency.name,
            dataset.agency.acronym,
            " ".join(t.name for t in dataset.tags.all()),
        ]
    ).lower()
    words = {w[:40] for w in WORD.findall(text) if len(w) > 1}
    DatasetWord.objects.filter(dataset=dataset).delete()
    DatasetWord.objects.bulk_create([DatasetWord(dataset=dataset, word=w) for w in words])


def agency_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """post_save of an agency (edited in the admin): its name and acronym are search words
    of its datasets, so a renamed agency is found by its new name only."""
    if created or raw:
        return
    datasets = Dataset.all_objects.filter(agency_id=instance.pk).select_related("agency")
    for dataset in datasets.prefetch_related("tags"):
        _index_words(dataset)


def _set_tags_and_regions(dataset: Dataset, tags, regions) -> None:
    if tags is not None:
        names = sorted({t.strip().lower()[:60] for t in tags if t.strip()})
        dataset.tags.set([Tag.objects.get_or_create(name=n)[0] for n in names])
    if regions is not None:
        found = list(Region.objects.filter(code__in=regions))
        missing = set(regions) - {r.code for r in found}
        if missing:
            raise ValidationError(
                {"regions": _("Unknown region codes: %(codes)s") % {"codes": ", ".join(missing)}}
            )
        dataset.regions.set(found)


def schema_locked(dataset: Dataset) -> bool:
    """True once a valid release exists: its table has the schema's columns."""
    return dataset.releases.exclude(status=Release.Status.INVALID).exists()


def _set_fields(actor, dataset: Dataset, fields: list[dict]) -> None:
    if schema_locked(dataset):
        raise ValidationError(
            _("The schema cannot change once a valid release exists; create a new dataset.")
        )
    dataset.fields.all().delete()
    seen = set()
    for position, spec in enumerate(fields):
        spec = dict(spec)
        code_list = spec.pop("code_list", None)
        if isinstance(code_list, str):
            code_list = CodeList.objects.filter(slug=code_list).first()
            if code_list is None:
                raise ValidationError({"code_list": _("Unknown code list.")})
        field = Field(dataset=dataset, position=position, code_list=code_list, **spec)
        if field.name in seen:
            raise ValidationError({"name": _("Column %(name)s twice.") % {"name": field.name}})
        seen.add(field.name)
        field.full_clean(exclude=["dataset"])
        field.save()
    audit.record(
        actor,
        AuditEntry.Action.UPDATE,
        dataset,
        after={"schema": [f.name for f in dataset.fields.all()]},
    )


@transaction.atomic
def create_dataset(actor, *, agency, fields=(), tags=(), regions=(), **meta) -> Dataset:
    """A new draft dataset; producers only for their own agency."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in first."))
    if not actor.is_custodian and not (
        actor.role == actor.Role.PRODUCER and actor.agency_id == agency.pk
    ):
        raise PermissionDenied(_("You may only create datasets for your own agency."))
    unknown = set(meta) - set(META_FIELDS)
    if unknown:
        raise ValueError(f"unknown metadata {unknown}")
    dataset = audit.create(actor, Dataset(agency=agency, **meta))
    _set_tags_and_regions(dataset, tags, regions)
    if fields:
        _set_fields(actor, dataset, list(fields))
    _index_words(dataset)
    stored.refresh(dataset)
    return dataset


@transaction.atomic
def update_dataset(actor, dataset: Dataset, *, fields=None, tags=None, regions=None, **meta):
    _editable(actor, dataset)
    unknown = set(meta) - set(META_FIELDS)
    if unknown:
        raise ValueError(f"unknown metadata {unknown}")
    dataset = audit.update(actor, dataset, **meta)
    _set_tags_and_regions(dataset, tags, regions)
    if fields is not None:
        _set_fields(actor, dataset, list(fields))
    _index_words(dataset)
    stored.refresh(dataset)
    return dataset


def _codes_for(fields: list[Field]) -> dict[str, set[str]]:
    codes = {}
    for f in fields:
        if f.type == Field.Type.CODE:
            codes[f.name] = set(f.code_list.values.values_list("code", flat=True))
    return codes


def _validator(dataset: Dataset, fields: list[Field], fmt: str) -> Validator:
    regions = None
    if any(f.type == Field.Type.REGION for f in fields):
        regions = set(Region.objects.values_list("code", flat=True))
    first_row = 1 if fmt == "json" else 2
    return Validator(fields, _codes_for(fields), regions, first_row=first_row)


def _schema(dataset: Dataset) -> list[Field]:
    fields = list(dataset.fields.select_related("code_list"))
    if not fields:
        raise ValidationError(_("Define the dataset's columns before uploading data."))
    return fields


def check_file(dataset: Dataset, path: Path, fmt: str) -> Outcome:
    """Read and validate a file against the dataset's schema, without storing anything."""
    fields = _schema(dataset)
    validator = _validator(dataset, fields, fmt)
    try:
        for frame in read_frames(path, fmt):
            validator.check(frame)
    except FileProblem as exc:
        validator.outcome.add(0, "", None, str(exc))
    return validator.finish()


def ahead(iterable, depth: int = 1):
    """Iterate `iterable` in a helper thread, at most `depth` items ahead; its exceptions are
    raised here. The helper stops when this generator is closed early."""
    items: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    end = object()

    def put(entry) -> bool:
        while not stop.is_set():
            try:
                items.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        try:
            for item in iterable:
                if not put((item, None)):
                    return
            put((end, None))
        except BaseException as exc:  # handed to the consumer, raised there
            put((end, exc))

    worker = threading.Thread(target=produce, daemon=True, name="upload-reader")
    worker.start()
    try:
        while True:
            item, error = items.get()
            if error is not None:
                raise error
            if item is end:
                return
            yield item
    finally:
        stop.set()
        worker.join()


def _load(release: Release, fields: list[Field], path: Path, fmt: str) -> Outcome:
    """Validate the file frame by frame and load each frame into the release's table while
    every row so far is valid; the table is dropped again at the first problem. One pass over
    the file, and memory bounded by a frame, whatever the file's size."""
    validator = _validator(release.dataset, fields, fmt)
    pg = connection.vendor == "postgresql"

    def checked():
        first_id = 1
        for frame in read_frames(path, fmt):
            typed = validator.check(frame)
            # PostgreSQL's COPY input is made here too, off the request thread.
            copy_data = datastore.copy_rows(typed, first_id) if pg and typed is not None else None
            first_id += frame.height
            yield typed, copy_data

    loader = None
    try:
        # Reading, checking and encoding the next block (polars, in a helper thread) overlaps
        # with loading this one into the database (this thread, which owns the connection).
        for typed, copy_data in ahead(checked()):
            if typed is not None:
                loader = loader or datastore.TableLoader(release, fields)
                loader.append(typed, copy_data)
            elif loader is not None:
                loader.discard()
                loader = None
    except FileProblem as exc:
        validator.outcome.add(0, "", None, str(exc))
    outcome = validator.finish()
    if outcome.valid and loader is not None:
        release.table_name = loader.finish()
    elif loader is not None:
        loader.discard()
    return outcome


def upload_release(
    actor,
    dataset: Dataset,
    *,
    path: Path,
    fmt: str,
    year: int,
    period_type: str = "year",
    period: int = 0,
    source_name: str = "",
) -> Release:
    """Validate an uploaded file; a valid one becomes a new version with its own table."""
    _editable(actor, dataset)
    fmt = fmt.lower().lstrip(".")
    release = Release(
        dataset=dataset,
        year=year,
        period_type=period_type,
        period=period,
        source_format=fmt,
        source_name=source_name[:200],
        size=path.stat().st_size,
        created_by=actor,
        status=Release.Status.INVALID,
    )
    release.full_clean(exclude=["dataset", "created_by", "status", "report", "table_name"])
    fields = _schema(dataset)
    with transaction.atomic():
        latest = (
            Release.objects.select_for_update()
            .filter(dataset=dataset, year=year, period_type=period_type, period=period)
            .aggregate(v=Max("version"))["v"]
        )
        release.version = (latest or 0) + 1
        outcome = _load(release, fields, path, fmt)
        release.row_count = outcome.rows
        release.error_count = outcome.error_count
        release.report = outcome.report()
        if outcome.valid:
            release.status = Release.Status.VALID
        release.save()
        audit.record(actor, AuditEntry.Action.CREATE, release, after=audit.snapshot(release))
    return release


def upload_file_object(actor, dataset: Dataset, upload, **period) -> Release:
    """Save an uploaded file (Django UploadedFile) to a temporary path and upload it."""
    name = getattr(upload, "name", "") or ""
    fmt = name.rsplit(".", 1)[-1].lower() if "." in name else "csv"
    with tempfile.NamedTemporaryFile(suffix="." + fmt) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        return upload_release(
            actor, dataset, path=Path(handle.name), fmt=fmt, source_name=name, **period
        )


def _move(actor, dataset: Dataset, allowed_from, to: str, **extra) -> Dataset:
    dataset = Dataset.all_objects.select_for_update().get(pk=dataset.pk)
    if dataset.status not in allowed_from:
        raise ValidationError(
            _("A dataset that is %(status)s cannot become %(to)s.")
            % {"status": dataset.get_status_display(), "to": Dataset.Status(to).label}
        )
    dataset = audit.update(actor, dataset, status=to, **extra)
    stored.refresh(dataset)  # the package shows the status and the modification time
    return dataset


@transaction.atomic
def submit(actor, dataset: Dataset) -> Dataset:
    """The producer asks the custodian to verify; needs at least one valid release."""
    _editable(actor, dataset)
    if not dataset.releases.filter(status=Release.Status.VALID).exists():
        raise ValidationError(_("Upload a valid release before submitting."))
    S = Dataset.Status
    return _move(actor, dataset, (S.DRAFT, S.RETURNED, S.PUBLISHED), S.SUBMITTED)


@transaction.atomic
def return_for_correction(actor, dataset: Dataset, comment: str) -> Dataset:
    _custodian_only(actor)
    if not comment.strip():
        raise ValidationError({"comment": _("Say what must be corrected.")})
    S = Dataset.Status
    return _move(
        actor, dataset, (S.SUBMITTED, S.VERIFIED), S.RETURNED, review_comment=comment.strip()
    )


@transaction.atomic
def verify(actor, dataset: Dataset) -> Dataset:
    _custodian_only(actor)
    return _move(actor, dataset, (Dataset.Status.SUBMITTED,), Dataset.Status.VERIFIED)


@transaction.atomic
def publish(actor, dataset: Dataset) -> Dataset:
    """Publish a verified dataset and its valid releases; open ones become public."""
    _custodian_only(actor)
    extra = {"review_comment": ""}
    if dataset.published_at is None:
        extra["published_at"] = timezone.now()
    dataset = _move(actor, dataset, (Dataset.Status.VERIFIED,), Dataset.Status.PUBLISHED, **extra)
    for release in dataset.releases.filter(status=Release.Status.VALID):
        audit.update(actor, release, status=Release.Status.PUBLISHED)
    stored.refresh(dataset)  # its resources are the published releases
    return dataset


@transaction.atomic
def delete_dataset(actor, dataset: Dataset) -> Dataset:
    _editable(actor, dataset)
    return audit.soft_delete(actor, dataset)
