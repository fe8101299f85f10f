"""What a public region page shows: population and potential figures (aggregates only)."""

from __future__ import annotations

from django.db.models import Max

from satudata.registry.statistics import population_summary
from satudata.villages import population
from satudata.villages.models import PotentialCategory, PotentialEntry
from satudata.villages.regionq import within


def population_for(code: str) -> dict:
    """The registry's protected public summary ("<3", "*"), shaped for the page."""
    return population.from_registry(population_summary(code))


def potentials_table(code: str) -> tuple[int | None, list]:
    """The latest year with figures, and its figures summed per category, item and unit."""
    entries = PotentialEntry.objects.filter(within("village_id", code))
    year = entries.aggregate(y=Max("year"))["y"]
    if year is None:
        return None, []
    totals: dict[tuple[str, str, str], float] = {}
    for cat, item, unit, value in entries.filter(year=year).values_list(
        "category", "item", "unit", "value"
    ):
        totals[(cat, item, unit)] = totals.get((cat, item, unit), 0) + value
    labels = dict(PotentialCategory.choices)
    order = {c: i for i, c in enumerate(PotentialCategory.values)}
    rows = sorted(totals.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))
    return year, [(labels[c], item, value, unit) for (c, item, unit), value in rows]


def open_datasets(region, ancestors, limit: int = 10) -> list:
    """Published open datasets covering this region, a region containing it, or one inside it."""
    from django.db.models import Q

    from satudata.datasets.models import Dataset

    codes = [region.code, *(a.code for a in ancestors)]
    inside = within("regions__code", region.code) if region.level < 4 else Q(pk__in=[])
    found = Dataset.objects.public().filter(Q(regions__code__in=codes) | inside)
    return list(found.select_related("agency").order_by("title").distinct()[:limit])
