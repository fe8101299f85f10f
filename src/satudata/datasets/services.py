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
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.audit import services as audit
from satudata.audit.models import AuditEntry
from satudata.datasets import datastore
from satudata.datasets.ckan import stored
from satudata.datasets.models import (
    FIRST_YEAR,
    LAST_YEAR,
    CodeList,
    CodeValue,
    Dataset,
    DatasetWord,
    Field,
    Release,
    Tag,
    year_message,
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


def _column_errors(number: int, field: Field, exc: ValidationError) -> list[str]:
    """A schema error as sentences naming the column, its position and the attribute, the
    same wording as the form's ("Kolom 2 (nik), Pola (ekspresi reguler): …")."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    lines = []
    for name, texts in errors.items():
        try:
            label = capfirst(Field._meta.get_field(name).verbose_name) if name else _("column")
        except Exception:  # a non-field key such as __all__
            label = _("column")
        lines.extend(
            _("Column %(n)d (%(column)s), %(field)s: %(error)s")
            % {"n": number, "column": field.name or "?", "field": label, "error": text}
            for text in texts
        )
    return lines


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
        try:
            if field.name in seen:
                raise ValidationError({"name": _("Column %(name)s twice.") % {"name": field.name}})
            field.full_clean(exclude=["dataset"])
        except ValidationError as exc:
            raise ValidationError(_column_errors(position + 1, field, exc)) from exc
        seen.add(field.name)
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


# Stricter first: a producer may always close a dataset further, never open it up.
ACCESS_ORDER = [Dataset.Access.OPEN, Dataset.Access.LIMITED, Dataset.Access.CLOSED]


def _check_reviewed_metadata(actor, dataset: Dataset, meta: dict) -> None:
    """Who may see the data and under which licence is what the custodian verified: once a
    dataset is verified or public, only the custodian changes them (a producer may make the
    access stricter at once, e.g. when personal data is found). Other metadata (title,
    description…) stays the producer's to correct; every change is in the history."""
    if actor.is_custodian:
        return
    reviewed = dataset.published_at is not None or dataset.status in (
        Dataset.Status.VERIFIED,
        Dataset.Status.PUBLISHED,
    )
    if not reviewed:
        return
    errors = {}
    if "license" in meta and meta["license"] != dataset.license:
        errors["license"] = _(
            "The licence of a verified or published dataset is changed by the data custodian "
            "(walidata) only."
        )
    new = meta.get("access_level", dataset.access_level)
    if new != dataset.access_level and (
        new not in ACCESS_ORDER
        or ACCESS_ORDER.index(new) < ACCESS_ORDER.index(dataset.access_level)
    ):
        errors["access_level"] = _(
            "Only the data custodian (walidata) may open up a verified or published dataset; "
            "you may only make its access stricter."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def update_dataset(actor, dataset: Dataset, *, fields=None, tags=None, regions=None, **meta):
    _editable(actor, dataset)
    unknown = set(meta) - set(META_FIELDS)
    if unknown:
        raise ValueError(f"unknown metadata {unknown}")
    dataset = Dataset.all_objects.select_for_update().get(pk=dataset.pk)
    _check_reviewed_metadata(actor, dataset, meta)
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
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": year_message()})
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
        # Only valid uploads use up a version number: an invalid one is shown with the
        # number the next valid upload of the period will get.
        Release.objects.select_for_update().filter(dataset=dataset).exists()
        latest = (
            Release.objects.filter(
                dataset=dataset, year=year, period_type=period_type, period=period
            )
            .exclude(status=Release.Status.INVALID)
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


S = Dataset.Status
# Which step may follow which status; the workspace offers only these.
STEPS = {
    "submit": (S.DRAFT, S.RETURNED, S.PUBLISHED),
    "verify": (S.SUBMITTED,),
    "publish": (S.VERIFIED,),
    # A published dataset is returned by unpublishing it (return_for_correction does so).
    "return": (S.SUBMITTED, S.VERIFIED),
}
# Whole sentences, one per step, so each reads naturally in Indonesian.
STEP_REFUSED = {
    "submit": gettext_lazy(
        "A dataset with status “%(status)s” cannot be submitted for verification."
    ),
    "verify": gettext_lazy("A dataset with status “%(status)s” cannot be verified."),
    "publish": gettext_lazy("A dataset with status “%(status)s” cannot be published."),
    "return": gettext_lazy("A dataset with status “%(status)s” cannot be returned for correction."),
}


def steps_for(actor, dataset: Dataset) -> list[str]:
    """The workflow steps this account can take on the dataset in its current status."""
    steps = []
    if dataset.status in STEPS["submit"] and can_edit(actor, dataset):
        steps.append("submit")
    if getattr(actor, "is_custodian", False):
        steps.extend(s for s in ("verify", "publish", "return") if dataset.status in STEPS[s])
        if dataset.published_at is not None:
            steps.append("unpublish")
    return steps


def _move(actor, dataset: Dataset, step: str, to: str, **extra) -> Dataset:
    dataset = Dataset.all_objects.select_for_update().get(pk=dataset.pk)
    if dataset.status not in STEPS[step]:
        raise ValidationError(STEP_REFUSED[step] % {"status": dataset.get_status_display()})
    dataset = audit.update(actor, dataset, status=to, **extra)
    stored.refresh(dataset)  # the package shows the status and the modification time
    return dataset


@transaction.atomic
def submit(actor, dataset: Dataset) -> Dataset:
    """The producer asks the custodian to verify; needs at least one valid release."""
    _editable(actor, dataset)
    if not dataset.releases.filter(status=Release.Status.VALID).exists():
        raise ValidationError(_("Upload a valid release before submitting."))
    return _move(actor, dataset, "submit", S.SUBMITTED)


@transaction.atomic
def return_for_correction(actor, dataset: Dataset, comment: str) -> Dataset:
    """Send the dataset back to its producer with what must be corrected. A resubmitted
    dataset's published releases stay public (they were verified; the return concerns the new
    revision); returning a dataset whose status is published unpublishes it (see unpublish)."""
    _custodian_only(actor)
    if not comment.strip():
        raise ValidationError({"comment": _("Say what must be corrected.")})
    current = Dataset.all_objects.get(pk=dataset.pk)
    if current.status == S.PUBLISHED:
        return unpublish(actor, current, comment)
    return _move(actor, dataset, "return", S.RETURNED, review_comment=comment.strip())


@transaction.atomic
def unpublish(actor, dataset: Dataset, reason: str) -> Dataset:
    """Take a public dataset down at once (portal, CKAN, DCAT, downloads, datastore): it goes
    back to its producer as returned, with the reason as the custodian's comment. Its releases
    are kept, unpublished; publishing again needs submit and verify."""
    _custodian_only(actor)
    if not (reason or "").strip():
        raise ValidationError({"comment": _("Give the reason for unpublishing.")})
    dataset = Dataset.all_objects.select_for_update().get(pk=dataset.pk)
    if dataset.published_at is None:
        raise ValidationError(_("This dataset is not published."))
    dataset = audit.update(
        actor, dataset, status=S.RETURNED, published_at=None, review_comment=reason.strip()
    )
    for release in dataset.releases.filter(status=Release.Status.PUBLISHED):
        audit.update(actor, release, status=Release.Status.VALID)
    stored.refresh(dataset)
    return dataset


@transaction.atomic
def withdraw_release(actor, release: Release, reason: str) -> Release:
    """Take one release down for good (wrong data, personal data found in it): no one reads
    it any more, on any surface; the reason is shown to its producer. An older version of the
    period is not brought back by itself: publish a corrected upload instead."""
    _custodian_only(actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for withdrawing the release.")})
    release = Release.objects.select_for_update().get(pk=release.pk)
    if release.status in (Release.Status.INVALID, Release.Status.WITHDRAWN):
        raise ValidationError(_("Only a valid or published release can be withdrawn."))
    release = audit.update(
        actor, release, status=Release.Status.WITHDRAWN, withdrawn_reason=reason.strip()
    )
    stored.refresh(release.dataset)
    return release


@transaction.atomic
def verify(actor, dataset: Dataset) -> Dataset:
    _custodian_only(actor)
    return _move(actor, dataset, "verify", S.VERIFIED)


@transaction.atomic
def publish(actor, dataset: Dataset) -> Dataset:
    """Publish a verified dataset: of each period the newest valid version becomes public and
    older ones superseded (kept, not public). Open datasets become public."""
    _custodian_only(actor)
    extra = {"review_comment": ""}
    if dataset.published_at is None:
        extra["published_at"] = timezone.now()
    dataset = _move(actor, dataset, "publish", S.PUBLISHED, **extra)
    live = (Release.Status.VALID, Release.Status.PUBLISHED)
    newest = set()
    releases = dataset.releases.filter(status__in=live).order_by(
        "year", "period_type", "period", "-version"
    )
    for release in releases:
        key = (release.year, release.period_type, release.period)
        status = Release.Status.SUPERSEDED if key in newest else Release.Status.PUBLISHED
        newest.add(key)
        if release.status != status:
            audit.update(actor, release, status=status)
    stored.refresh(dataset)  # its resources are the published releases
    return dataset


@transaction.atomic
def delete_dataset(actor, dataset: Dataset) -> Dataset:
    _editable(actor, dataset)
    return audit.soft_delete(actor, dataset)
