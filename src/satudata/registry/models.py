"""Residents and families of every village (the population registry)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from satudata.accounts.scope import RegionScopedQuerySet
from satudata.audit.models import AliveManager, SoftDeleteModel


class VillageScopedQuerySet(RegionScopedQuerySet):
    region_field = "village__code"


class Family(SoftDeleteModel):
    """A family card (Kartu Keluarga)."""

    family_number = models.CharField(_("family card number (No. KK)"), max_length=16)
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "regions.LocalUnit",
        verbose_name=_("RT"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="families",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AliveManager.from_queryset(VillageScopedQuerySet)()
    all_objects = models.Manager.from_queryset(VillageScopedQuerySet)()

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["family_number"],
                condition=Q(deleted_at__isnull=True),
                name="family_number_unique_alive",
            )
        ]
        indexes = [models.Index(fields=["village", "family_number"], name="family_village_idx")]

    def __str__(self) -> str:
        return _("Family %(number)s") % {"number": self.family_number}

    def audit_region_code(self) -> str:
        return self.village_id


class Resident(SoftDeleteModel):
    """One person in the registry; codes follow the civil registry's (Dukcapil/OpenSID) lists."""

    class Sex(models.IntegerChoices):
        MALE = 1, _("male")
        FEMALE = 2, _("female")

    class Status(models.IntegerChoices):
        ALIVE = 1, _("alive")
        DEAD = 2, _("dead")
        MOVED = 3, _("moved out")
        MISSING = 4, _("missing")
        GONE = 6, _("gone")

    nik = models.CharField(_("NIK"), max_length=16)
    nik_is_temporary = models.BooleanField(_("temporary NIK"), default=False)
    name = models.CharField(_("name"), max_length=100)
    sex = models.PositiveSmallIntegerField(_("sex"), choices=Sex.choices)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"))
    religion = models.PositiveSmallIntegerField(_("religion"), null=True, blank=True)
    education_kk = models.PositiveSmallIntegerField(_("education (KK)"), null=True, blank=True)
    education_current = models.PositiveSmallIntegerField(
        _("education in progress"), null=True, blank=True
    )
    occupation = models.PositiveSmallIntegerField(_("occupation"), null=True, blank=True)
    marital_status = models.PositiveSmallIntegerField(_("marital status"), null=True, blank=True)
    relationship = models.PositiveSmallIntegerField(
        _("relationship in family"), null=True, blank=True
    )
    citizenship = models.PositiveSmallIntegerField(_("citizenship"), default=1)
    blood_type = models.PositiveSmallIntegerField(_("blood type"), null=True, blank=True)
    father_name = models.CharField(_("father's name"), max_length=100, blank=True)
    mother_name = models.CharField(_("mother's name"), max_length=100, blank=True)
    status = models.PositiveSmallIntegerField(
        _("basic status"), choices=Status.choices, default=Status.ALIVE
    )
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "regions.LocalUnit",
        verbose_name=_("RT"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
    )
    family = models.ForeignKey(
        Family,
        verbose_name=_("family"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped on every save; a save based on an older version is refused (no silent overwrite).
    version = models.PositiveIntegerField(default=1)

    objects = AliveManager.from_queryset(VillageScopedQuerySet)()
    all_objects = models.Manager.from_queryset(VillageScopedQuerySet)()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["nik"], condition=Q(deleted_at__isnull=True), name="nik_unique_alive"
            )
        ]
        indexes = [
            models.Index(fields=["village", "name"], name="resident_village_name_idx"),
            models.Index(fields=["name"], name="resident_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_region_code(self) -> str:
        return self.village_id
