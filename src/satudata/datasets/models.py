"""Sectoral datasets: code lists, metadata and schema, releases per period and their tables."""

from __future__ import annotations

import re
import uuid

import polars as pl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from satudata.audit.models import AliveManager, SoftDeleteModel

# Field names become column names of the datastore tables; only this shape is accepted, and
# names are still always quoted. Leading underscores are ours (`_id`).
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Periods outside this range are typing mistakes (99999, 24); PostgreSQL's smallint would
# also refuse years above 32767 with an error instead of a message.
FIRST_YEAR, LAST_YEAR = 1900, 2100


class CodeList(models.Model):
    """A reference code list (kode referensi), e.g. facility types."""

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("code list")
        verbose_name_plural = _("code lists")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class CodeValue(models.Model):
    code_list = models.ForeignKey(CodeList, on_delete=models.CASCADE, related_name="values")
    code = models.CharField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=200)

    class Meta:
        verbose_name = _("code")
        verbose_name_plural = _("codes")
        ordering = ["code_list", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code_list", "code"], name="datasets_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DatasetQuerySet(models.QuerySet):
    """Scope of datasets: the public sees published open ones; agencies their own."""

    def public(self):
        return self.filter(published_at__isnull=False, access_level=Dataset.Access.OPEN)

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.public()
        if user.is_custodian:
            return self.all()
        published = Q(published_at__isnull=False) & ~Q(access_level=Dataset.Access.CLOSED)
        if user.role == user.Role.PRODUCER and user.agency_id:
            return self.filter(published | Q(agency_id=user.agency_id))
        return self.filter(published)

    def editable_by(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_custodian:
            return self.all()
        if user.role == user.Role.PRODUCER and user.agency_id:
            return self.filter(agency_id=user.agency_id)
        return self.none()


class Dataset(SoftDeleteModel):
    """One sectoral dataset with its Satu Data metadata (Perpres 39/2019)."""

    class Access(models.TextChoices):
        OPEN = "open", _("open")
        LIMITED = "limited", _("limited (accounts only)")
        CLOSED = "closed", _("closed (agency and custodian only)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned for correction")
        VERIFIED = "verified", _("verified")
        PUBLISHED = "published", _("published")

    class Frequency(models.TextChoices):
        YEARLY = "yearly", _("yearly")
        QUARTERLY = "quarterly", _("quarterly")
        MONTHLY = "monthly", _("monthly")
        IRREGULAR = "irregular", _("irregular")

    class Topic(models.TextChoices):
        HEALTH = "health", _("Health")
        EDUCATION = "education", _("Education")
        SOCIAL = "social", _("Social protection")
        ECONOMY = "economy", _("Economy and investment")
        INFRASTRUCTURE = "infrastructure", _("Infrastructure")
        ENVIRONMENT = "environment", _("Environment")
        POPULATION = "population", _("Population")
        GOVERNMENT = "government", _("Government")

    class License(models.TextChoices):
        CC_BY = "cc-by", "Creative Commons Attribution 4.0"
        CC_ZERO = "cc-zero", "Creative Commons CC0"
        ODC_BY = "odc-by", "Open Data Commons Attribution"
        OTHER = "other-closed", _("Other (not open)")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("short name"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="datasets")
    # The data standard: concept, definition, classification, measure, unit.
    concept = models.TextField(_("concept"), blank=True)
    definition = models.TextField(_("definition"), blank=True)
    classification = models.CharField(_("classification"), max_length=200, blank=True)
    measure = models.CharField(_("measure"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    frequency = models.CharField(
        _("update frequency"), max_length=10, choices=Frequency.choices, default="yearly"
    )
    temporal_start = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    temporal_end = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    regions = models.ManyToManyField(
        "regions.Region", verbose_name=_("spatial coverage"), blank=True, related_name="+"
    )
    license = models.CharField(
        _("licence"), max_length=20, choices=License.choices, default="cc-by"
    )
    access_level = models.CharField(
        _("access level"), max_length=10, choices=Access.choices, default="open"
    )
    # An office or unit, never a person's phone or e-mail: this is shown publicly.
    contact = models.CharField(_("contact (office or unit)"), max_length=200, blank=True)
    release_schedule = models.CharField(_("release schedule"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default="draft", db_index=True
    )
    review_comment = models.TextField(_("custodian's comment"), blank=True)
    # Set while the dataset is public (publish), cleared when the custodian unpublishes it:
    # every public surface (portal, CKAN, DCAT, downloads, datastore) filters on it.
    published_at = models.DateTimeField(_("published since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    modified_at = models.DateTimeField(_("modified"), auto_now=True, db_index=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = AliveManager.from_queryset(DatasetQuerySet)()
    all_objects = models.Manager()  # noqa: DJ012 - ruff takes this manager for a field

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["title"]
        base_manager_name = "all_objects"
        indexes = [models.Index(fields=["published_at", "access_level"], name="dataset_pub_idx")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.temporal_start and self.temporal_end and self.temporal_start > self.temporal_end:
            raise ValidationError({"temporal_end": _("The last year is before the first year.")})
        for name in ("temporal_start", "temporal_end"):
            year = getattr(self, name)
            if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
                raise ValidationError({name: year_message()})

    @property
    def is_public(self) -> bool:
        return self.published_at is not None and self.access_level == self.Access.OPEN


class StoredPackage(models.Model):
    """A dataset's CKAN package as JSON text, written with every change that shows in it
    (ckan/stored.py). Its own table, not a column: 2 KB more in each dataset row made the
    scans of the catalog (counts, facets, deep pages) three times slower."""

    dataset = models.OneToOneField(
        Dataset, on_delete=models.CASCADE, primary_key=True, related_name="ckan_package"
    )
    text = models.TextField()

    def __str__(self) -> str:
        return str(self.dataset_id)


class DatasetWord(models.Model):
    """One lower-cased word of a dataset's title, description or tags, for catalog search."""

    word = models.CharField(max_length=40, db_index=True)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="words")

    def __str__(self) -> str:
        return self.word


def year_message() -> str:
    return _("The year must be between %(first)d and %(last)d.") % {
        "first": FIRST_YEAR,
        "last": LAST_YEAR,
    }


def pattern_problem(pattern: str) -> str:
    """Why a pattern cannot be used, or "". Uploads apply it with polars (Rust regex), which
    has no look-around and no backreferences; Python's re would accept those and every upload
    would then fail, so the pattern is tried the way validation runs it."""
    try:
        re.compile(pattern)
    except re.error:
        return _("The pattern is not valid.")
    try:
        pl.Series([""]).str.contains(f"^(?:{pattern})$")
    except pl.exceptions.PolarsError:
        return _(
            "The pattern is not supported: look-around (?= ?! ?<= ?<!) and backreferences "
            "(\\1) cannot be used."
        )
    return ""


class Field(models.Model):
    """One column of a dataset's schema."""

    class Type(models.TextChoices):
        INTEGER = "integer", _("whole number")
        NUMBER = "number", _("number")
        STRING = "string", _("text")
        DATE = "date", _("date (YYYY-MM-DD)")
        BOOLEAN = "boolean", _("yes/no")
        REGION = "region", _("region code")
        CODE = "code", _("code-list value")

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="fields")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("column name"), max_length=40)
    label = models.CharField(_("label"), max_length=200)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    required = models.BooleanField(_("required"), default=False)
    minimum = models.FloatField(_("minimum"), null=True, blank=True)
    maximum = models.FloatField(_("maximum"), null=True, blank=True)
    pattern = models.CharField(_("pattern (regular expression)"), max_length=200, blank=True)
    code_list = models.ForeignKey(
        CodeList, verbose_name=_("code list"), null=True, blank=True, on_delete=models.PROTECT
    )
    filterable = models.BooleanField(_("people filter by it (indexed)"), default=False)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["dataset", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "name"], name="datasets_field_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not FIELD_NAME.match(self.name or ""):
            raise ValidationError(
                {
                    "name": _(
                        "Use lower-case letters, digits and _ only, starting with a letter "
                        "(at most 40 characters)."
                    )
                }
            )
        errors = {}
        if self.type == self.Type.CODE and not self.code_list_id:
            errors["code_list"] = _("A code-list field needs a code list.")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            errors["maximum"] = _("The maximum is below the minimum.")
        if self.pattern:
            problem = pattern_problem(self.pattern)
            if problem:
                errors["pattern"] = problem
        if errors:
            raise ValidationError(errors)

    @property
    def indexed(self) -> bool:
        """Region codes (what maps, region pages and most filters use) and the columns the
        producer marked as filtered by; every other index would only slow the upload (a code
        list of three values is read faster by a scan than through its index)."""
        return self.filterable or self.type == self.Type.REGION


class Release(models.Model):
    """One upload of a dataset's data for a period; valid ones own a datastore table."""

    class Status(models.TextChoices):
        INVALID = "invalid", _("invalid")
        VALID = "valid", _("valid")
        PUBLISHED = "published", _("published")
        # A newer valid version of the same period was published; kept, never public.
        SUPERSEDED = "superseded", _("superseded by a newer version")
        # Taken down by the custodian (e.g. personal data found); never readable again.
        WITHDRAWN = "withdrawn", _("withdrawn")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="releases")
    year = models.PositiveSmallIntegerField(_("year"))
    # 0 for a whole year, 1-4 for a quarter (with period_type quarter), 1-12 for a month.
    period_type = models.CharField(
        _("period"),
        max_length=8,
        choices=[("year", _("year")), ("quarter", _("quarter")), ("month", _("month"))],
        default="year",
    )
    period = models.PositiveSmallIntegerField(_("quarter or month"), default=0)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    source_format = models.CharField(_("format"), max_length=8)
    source_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    report = models.JSONField(_("validation report"), default=dict)
    table_name = models.CharField(max_length=63, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    # The report can hold a thousand problems; the history keeps the counts only.
    audit_exclude = ("report",)

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["dataset", "-year", "-period", "-version"]
        indexes = [models.Index(fields=["dataset", "status"], name="release_status_idx")]

    def __str__(self) -> str:
        return f"{self.dataset.slug} {self.period_label} v{self.version}"

    @property
    def period_label(self) -> str:
        if self.period_type == "quarter":
            return f"{self.year} Q{self.period}"
        if self.period_type == "month":
            return f"{self.year}-{self.period:02d}"
        return str(self.year)

    @property
    def resource_id(self) -> str:
        return str(self.uuid)

    def clean(self) -> None:
        limits = {"year": (0, 0), "quarter": (1, 4), "month": (1, 12)}
        low, high = limits.get(self.period_type, (0, 0))
        if not low <= self.period <= high:
            raise ValidationError({"period": _("The quarter or month is out of range.")})
