"""Village profile: regional potential per year, and map layers (boundary, points, lines, areas)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from satudata.accounts.scope import RegionScopedQuerySet
from satudata.audit.models import AliveManager, SoftDeleteModel


class VillageQuerySet(RegionScopedQuerySet):
    region_field = "village__code"


class PotentialCategory(models.TextChoices):
    LAND = "land", _("Land area and use")
    AGRICULTURE = "agriculture", _("Agriculture")
    PLANTATION = "plantation", _("Plantation")
    FISHERIES = "fisheries", _("Fisheries and livestock")
    TRADE = "trade", _("Trade and markets")
    TOURISM = "tourism", _("Tourism")
    INDUSTRY = "industry", _("Industry and cottage industry")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure (roads, electricity, water, signal)")
    FACILITIES = "facilities", _("Public facilities (schools, health posts, worship)")


class PotentialEntry(SoftDeleteModel):
    """One figure of a village's potential in a year, e.g. 2026 · agriculture · rice field · 120 ha.

    Each year is its own row, so past years stay; a change to a year's figure is audited.
    """

    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("category"), max_length=16, choices=PotentialCategory.choices)
    item = models.CharField(_("item"), max_length=100)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=30)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AliveManager.from_queryset(VillageQuerySet)()
    all_objects = models.Manager.from_queryset(VillageQuerySet)()

    class Meta:
        verbose_name = _("potential figure")
        verbose_name_plural = _("potential figures")
        ordering = ["village_id", "-year", "category", "item"]
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year", "category", "item"],
                condition=Q(deleted_at__isnull=True),
                name="potential_unique_alive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year} {self.item}: {self.value} {self.unit}"

    def audit_region_code(self) -> str:
        return self.village_id


class LayerKind(models.TextChoices):
    BOUNDARY = "boundary", _("Village boundary")
    SCHOOL = "school", _("Schools")
    HEALTH = "health", _("Health posts")
    MARKET = "market", _("Markets")
    ROAD = "road", _("Roads")
    LAND_USE = "land_use", _("Land use")
    WORSHIP = "worship", _("Places of worship")
    OTHER = "other", _("Other")


class MapLayer(SoftDeleteModel):
    """A village's layer of features, stored as ready-to-serve GeoJSON feature text."""

    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=LayerKind.choices)
    # The features joined by commas (without the brackets), so a region's layers are served by
    # concatenating text instead of re-encoding geometry on every request.
    features = models.TextField()
    feature_count = models.PositiveIntegerField(_("features"), default=0)
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    source_name = models.CharField(_("file"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = AliveManager.from_queryset(VillageQuerySet)()
    all_objects = models.Manager.from_queryset(VillageQuerySet)()
    # Geometry can be megabytes; the history keeps the layer's facts, not its coordinates.
    audit_exclude = ("features",)

    class Meta:
        verbose_name = _("map layer")
        verbose_name_plural = _("map layers")
        ordering = ["village_id", "kind", "name"]
        base_manager_name = "all_objects"
        indexes = [models.Index(fields=["village", "kind"], name="map_layer_village_kind_idx")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.name}"

    def audit_region_code(self) -> str:
        return self.village_id
