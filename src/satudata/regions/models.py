"""The official region hierarchy and the local units (hamlet, RW, RT) each village adds."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from satudata.accounts.scope import RegionScopedQuerySet
from satudata.audit.models import AliveManager, SoftDeleteModel


class Region(models.Model):
    """A province, regency/city, district or village, keyed by its Kemendagri code."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        REGENCY = 2, _("regency/city")
        DISTRICT = 3, _("district")
        VILLAGE = 4, _("village")

    class Kind(models.TextChoices):
        PROVINSI = "provinsi", _("Province")
        KABUPATEN = "kabupaten", _("Regency")
        KOTA = "kota", _("City")
        KECAMATAN = "kecamatan", _("District")
        DISTRIK = "distrik", _("District (distrik)")
        DESA = "desa", _("Village (desa)")
        KELURAHAN = "kelurahan", _("Urban village (kelurahan)")
        DESA_ADAT = "desa_adat", _("Customary village (desa adat)")

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, db_index=True)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def full_name(self) -> str:
        """ "Desa Natai Raya", "Kecamatan Arut Selatan"; regencies and cities already carry their
        kind in the official name ("Kabupaten Kotawaringin Barat", "Kota Pontianak")."""
        if self.name.lower().startswith(("kabupaten ", "kota ", "kab. ")):
            return self.name
        return f"{self.get_kind_display()} {self.name}"

    @property
    def digits(self) -> str:
        return self.code.replace(".", "")

    def ancestors(self) -> list[Region]:
        """Province first, this region's parent last."""
        codes = []
        code = self.code
        while "." in code:
            code = code.rsplit(".", 1)[0]
            codes.append(code)
        found = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [found[c] for c in reversed(codes) if c in found]


class RegionWord(models.Model):
    """One lower-cased word of a region's name, so name search is an index range scan."""

    word = models.CharField(max_length=40, db_index=True)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="words")
    level = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["word", "level"], name="region_word_level_idx")]

    def __str__(self) -> str:
        return self.word


class LocalUnitQuerySet(RegionScopedQuerySet):
    region_field = "village__code"


class LocalUnit(SoftDeleteModel):
    """A hamlet (dusun/lingkungan), RW or RT inside a village; villages add their own."""

    class Level(models.TextChoices):
        HAMLET = "hamlet", _("hamlet (dusun)")
        RW = "rw", _("RW")
        RT = "rt", _("RT")

    village = models.ForeignKey(
        Region,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="local_units",
        limit_choices_to={"level": Region.Level.VILLAGE},
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.CharField(_("level"), max_length=6, choices=Level.choices)
    name = models.CharField(_("name"), max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AliveManager.from_queryset(LocalUnitQuerySet)()
    all_objects = models.Manager.from_queryset(LocalUnitQuerySet)()

    class Meta:
        verbose_name = _("local unit")
        verbose_name_plural = _("local units")
        ordering = ["village_id", "level", "name"]
        base_manager_name = "all_objects"
        # Two constraints because NULL parents never collide in a plain unique index.
        constraints = [
            models.UniqueConstraint(
                fields=["village", "parent", "level", "name"],
                condition=Q(deleted_at__isnull=True, parent__isnull=False),
                name="local_unit_unique_in_parent",
                violation_error_message=_("This village already has a unit with that name here."),
            ),
            models.UniqueConstraint(
                fields=["village", "level", "name"],
                condition=Q(deleted_at__isnull=True, parent__isnull=True),
                name="local_unit_unique_at_top",
                violation_error_message=_("This village already has a unit with that name here."),
            ),
        ]

    def __str__(self) -> str:
        return self.label()

    def label(self) -> str:
        prefix = {"hamlet": "", "rw": "RW ", "rt": "RT "}[self.level]
        return f"{prefix}{self.name}"

    def path_label(self) -> str:
        """'Dusun I / RW 002 / RT 003' — how operators name a place inside the village."""
        parts = [self.label()]
        unit = self.parent
        while unit is not None:
            parts.append(unit.label())
            unit = unit.parent
        return " / ".join(reversed(parts))

    def audit_region_code(self) -> str:
        return self.village_id

    def check_restore(self) -> None:
        """Called when the unit is brought back from the change history: not under a unit
        still deleted, which would leave it in a tree no list shows."""
        parent = self.parent  # the base manager: a deleted parent too
        if parent is not None and parent.deleted_at is not None:
            raise ValidationError(
                _(
                    "%(unit)s lies in %(parent)s, which is deleted: restore %(parent)s first, "
                    "then %(unit)s. Nothing was restored."
                )
                % {"unit": self.label(), "parent": parent.path_label()}
            )

    def clean(self) -> None:
        from satudata.regions.services import check_local_unit

        check_local_unit(self)


class RolloutPhase(models.Model):
    """When a village started entering its data, for the onboarding plan of a deployment."""

    village = models.OneToOneField(
        Region, on_delete=models.CASCADE, related_name="rollout", verbose_name=_("village")
    )
    phase = models.PositiveSmallIntegerField(_("phase"), default=1)
    started_on = models.DateField(_("started on"), null=True, blank=True)

    class Meta:
        verbose_name = _("rollout phase")
        verbose_name_plural = _("rollout phases")
        ordering = ["phase", "village_id"]

    def __str__(self) -> str:
        return f"{self.village_id} phase {self.phase}"


class FormerDistrictCode(models.Model):
    """A district code no longer in the region table that NIKs and KK numbers still start with.

    A NIK is for life while district codes change: when a regency is split (pemekaran) its
    districts get new codes, and the people registered before keep NIKs with the old ones.
    The custodian records such codes (`satudata regions former add`); nothing is shipped,
    as no source on the machine lists them. Stored dotted, as `Region.code`: "91.01.01".
    """

    code = models.CharField(_("former code"), max_length=8, primary_key=True)
    current = models.ForeignKey(
        Region,
        verbose_name=_("current district"),
        null=True,
        blank=True,
        # A region reload that drops the district must not fail on this optional pointer.
        on_delete=models.SET_NULL,
        related_name="former_codes",
        limit_choices_to={"level": Region.Level.DISTRICT},
    )
    note = models.TextField(_("note"), blank=True, help_text=_("e.g. the decree that moved it"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("former district code")
        verbose_name_plural = _("former district codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def digits(self) -> str:
        return self.code.replace(".", "")

    def audit_region_code(self) -> str:
        return self.current_id or ""
