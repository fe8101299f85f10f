"""Village letters (surat keterangan): per-village templates, numbered letters, counters."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satudata.accounts.scope import RegionScopedQuerySet
from satudata.audit.models import AliveManager, SoftDeleteModel


class LetterType(models.TextChoices):
    DOMICILE = "domicile", _("Domicile certificate")
    BUSINESS = "business", _("Business certificate")
    SKTM = "sktm", _("Low-income certificate (SKTM)")
    BIRTH = "birth", _("Birth certificate letter")
    DEATH = "death", _("Death certificate letter")
    MOVING = "moving", _("Moving certificate")


class VillageQuerySet(RegionScopedQuerySet):
    region_field = "village__code"


class LetterTemplate(SoftDeleteModel):
    """A village's own wording for one letter type; placeholders like {nama} are filled in."""

    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    letter_type = models.CharField(_("letter type"), max_length=10, choices=LetterType.choices)
    body = models.TextField(_("text"), max_length=5000)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AliveManager.from_queryset(VillageQuerySet)()
    all_objects = models.Manager.from_queryset(VillageQuerySet)()

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["village", "letter_type"],
                condition=Q(deleted_at__isnull=True),
                name="letter_template_one_per_type",
            )
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.letter_type}"

    def audit_region_code(self) -> str:
        return self.village_id


class LetterCounter(models.Model):
    """The last letter number a village used in a year; locked while a number is taken."""

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="letter_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year}: {self.last_number}"


class Letter(SoftDeleteModel):
    """One issued letter; the text is kept as issued, so a later template edit changes nothing."""

    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    letter_type = models.CharField(_("letter type"), max_length=10, choices=LetterType.choices)
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("resident"), on_delete=models.PROTECT, related_name="+"
    )
    holder_name = models.CharField(_("name"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial number"))
    number = models.CharField(_("letter number"), max_length=60)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set by services.issue from the same clock reading as the number's year.
    issued_at = models.DateTimeField(_("issued"), default=timezone.now, editable=False)

    objects = AliveManager.from_queryset(VillageQuerySet)()
    all_objects = models.Manager.from_queryset(VillageQuerySet)()

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-issued_at", "-id"]
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year", "serial"], name="letter_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.number

    def audit_region_code(self) -> str:
        return self.village_id

    def issued_on(self) -> datetime.date:
        """The local date of issue: the one the letter, its verification page and the API show."""
        return timezone.localtime(self.issued_at).date()

    def holder_initials(self) -> str:
        """'Budi Santoso' → 'B. S.': all the verification page shows of the person."""
        return " ".join(f"{word[0].upper()}." for word in self.holder_name.split() if word)
