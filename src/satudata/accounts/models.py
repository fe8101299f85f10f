"""Accounts, their role and scope, agencies (OPD), API tokens and the login throttle."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Agency(models.Model):
    """A regional agency (OPD) that produces data, e.g. Dinas Kesehatan."""

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """An account; what it may see follows from its role and the agency or region it is bound to."""

    class Role(models.TextChoices):
        CUSTODIAN = "custodian", _("Data custodian (walidata)")
        PRODUCER = "producer", _("Data producer (agency)")
        VILLAGE_OPERATOR = "village_operator", _("Village operator")
        DISTRICT_VIEWER = "district_viewer", _("District viewer (kecamatan)")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo account"), default=False)

    objects = UserManager()
    audit_exclude = ("password", "last_login")

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    @property
    def is_custodian(self) -> bool:
        return self.role == self.Role.CUSTODIAN or self.is_superuser

    def clean(self) -> None:
        super().clean()
        needs = {
            self.Role.PRODUCER: ("agency", self.agency_id, None),
            self.Role.VILLAGE_OPERATOR: ("region", self.region_id, 4),
            self.Role.DISTRICT_VIEWER: ("region", self.region_id, 3),
        }.get(self.role)
        if needs is None:
            return
        field, value, level = needs
        if not value:
            raise ValidationError(
                {
                    field: _("This role must be bound to one %(what)s.")
                    % {"what": _("agency") if field == "agency" else _("region")}
                }
            )
        if level and self.region.level != level:
            raise ValidationError(
                {"region": _("A village operator needs a village; a district viewer a district.")}
            )


class ApiToken(models.Model):
    """A token other applications send; only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    # The first characters, shown so an owner can tell tokens apart; too short to guess from.
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class LoginThrottle(models.Model):
    """Failed logins per username, whether or not the account exists, so lockout reveals nothing."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.username
