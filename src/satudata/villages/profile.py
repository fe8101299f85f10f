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


PERCENT_UNITS = {"%", "persen", "percent"}


def potentials_table(code: str) -> tuple[str, list]:
    """The region's potential: each village's own latest year, summed over villages.

    Returns (years, rows): `years` as shown in the heading ("2026", or "2025–2026" when the
    villages' latest years differ), each row (category label, item, value, unit, villages,
    average). Taking each village's latest year means one village entering next year's
    figures does not hide every other village's. Percentages are never added: a region's
    row shows their average (`average` True), with how many villages it covers.
    """
    from satudata.villages.services import latest_potential_year, same_text

    entries = PotentialEntry.objects.filter(
        within("village_id", code), year__lte=latest_potential_year()
    )
    latest = dict(
        entries.values("village_id").annotate(y=Max("year")).values_list("village_id", "y")
    )
    if not latest:
        return "", []
    totals: dict[tuple[str, str, str], list] = {}
    for village, year, cat, item, unit, value in entries.values_list(
        "village_id", "year", "category", "item", "unit", "value"
    ):
        if year != latest[village]:
            continue
        # "Sawah" and "sawah " are one item; the first spelling seen is shown.
        key = (cat, same_text(item).casefold(), same_text(unit).casefold())
        row = totals.setdefault(key, [same_text(item), same_text(unit), 0, 0])
        row[2] += value
        row[3] += 1
    labels = dict(PotentialCategory.choices)
    order = {c: i for i, c in enumerate(PotentialCategory.values)}
    rows = []
    for (cat, _item_key, key_unit), (item, unit, total, count) in sorted(
        totals.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])
    ):
        average = key_unit in PERCENT_UNITS and count > 1
        value = total / count if key_unit in PERCENT_UNITS else total
        rows.append((labels[cat], item, value, unit, count, average))
    years = sorted(set(latest.values()))
    shown = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return shown, rows


def open_datasets(region, ancestors, limit: int = 10) -> list:
    """Published open datasets covering this region, a region containing it, or one inside it."""
    from django.db.models import Q

    from satudata.datasets.models import Dataset

    codes = [region.code, *(a.code for a in ancestors)]
    inside = within("regions__code", region.code) if region.level < 4 else Q(pk__in=[])
    found = Dataset.objects.public().filter(Q(regions__code__in=codes) | inside)
    return list(found.select_related("agency").order_by("title").distinct()[:limit])
