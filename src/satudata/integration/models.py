"""Connectors that pull an agency's existing application into a dataset, and their run log."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from satudata.audit.models import AliveManager, SoftDeleteModel
from satudata.integration.addresses import without_credentials


class ConnectorQuerySet(models.QuerySet):
    """Producers see and change their own agency's connectors; the custodian all of them."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_custodian:
            return self.all()
        if user.role == user.Role.PRODUCER and user.agency_id:
            return self.filter(agency_id=user.agency_id)
        return self.none()

    def editable_by(self, user):
        return self.visible_to(user)


class Connector(SoftDeleteModel):
    """A source pulled on a schedule into a dataset: a file at a URL or another CKAN portal."""

    class Kind(models.TextChoices):
        URL = "url", _("File at a URL (CSV, XLSX, JSON)")
        CKAN = "ckan", _("Another CKAN portal")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"
        JSON = "json", "JSON"

    name = models.CharField(_("name"), max_length=200)
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    dataset = models.ForeignKey(
        "datasets.Dataset",
        verbose_name=_("target dataset"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Pulled releases are uploaded as this account, so they obey exactly its scope.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("runs as account"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices, default="url")
    # http(s) only: file://, ftp:// and the like could read the server's own disk or network.
    url = models.URLField(
        _("source address"), max_length=500, validators=[URLValidator(schemes=["http", "https"])]
    )
    format = models.CharField(_("file format"), max_length=4, choices=Format.choices, default="csv")
    ckan_dataset = models.CharField(_("CKAN dataset (name or id)"), max_length=200, blank=True)
    ckan_resource = models.CharField(
        _("CKAN resource id (empty: the first with a datastore)"), max_length=100, blank=True
    )
    # Source column -> dataset field; empty means the columns already carry the field names.
    mapping = models.JSONField(_("field mapping"), default=dict, blank=True)
    year = models.PositiveSmallIntegerField(
        _("release year (empty: the current year)"), null=True, blank=True
    )
    interval_minutes = models.PositiveIntegerField(_("pull every (minutes)"), default=1440)
    enabled = models.BooleanField(_("enabled"), default=True)
    timeout_seconds = models.PositiveSmallIntegerField(_("time limit (seconds)"), default=30)
    max_size_mb = models.PositiveIntegerField(_("size limit (MB)"), default=200)
    # Incremental state, updated only after a successful load.
    etag = models.CharField(max_length=200, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    source_modified = models.CharField(max_length=64, blank=True)
    source_columns = models.JSONField(default=list, blank=True)
    next_run_at = models.DateTimeField(_("next pull"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AliveManager.from_queryset(ConnectorQuerySet)()
    all_objects = models.Manager()  # noqa: DJ012 - ruff takes this manager for a field

    class Meta:
        verbose_name = _("connector")
        verbose_name_plural = _("connectors")
        ordering = ["name"]
        base_manager_name = "all_objects"

    def __str__(self) -> str:
        return self.name

    @property
    def shown_url(self) -> str:
        """The address without a password saved before such addresses were refused."""
        return without_credentials(self.url)


class ConnectorRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(connector__in=Connector.objects.visible_to(user))


class ConnectorRun(models.Model):
    """One attempt to pull a connector's source; the run log shown to producers."""

    class Status(models.TextChoices):
        DUE = "due", _("waiting")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")
        UNCHANGED = "unchanged", _("no change at the source")

    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default="due", db_index=True
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    due_at = models.DateTimeField(_("due"), db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    size = models.PositiveBigIntegerField(_("bytes downloaded"), default=0)
    messages = models.JSONField(_("messages"), default=list)
    next_retry_at = models.DateTimeField(_("next retry"), null=True, blank=True)
    release = models.ForeignKey(
        "datasets.Release", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ConnectorRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("connector run")
        verbose_name_plural = _("connector runs")
        ordering = ["-due_at", "-id"]

    def __str__(self) -> str:
        return f"{self.connector} #{self.pk} ({self.status})"

    @property
    def duration(self) -> datetime.timedelta | None:
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None
