"""Schools and pupils from the agencies' open datasets, for a region's public page.

The rule (docs/decisions.md, "Schools and pupils on the village page"): a published open
dataset of the topic Education whose schema has a region-code field is read, in its latest
published release, for the rows whose region code is exactly this region's code. Its other
fields are shown with their labels and units, with a link to the dataset. Nothing is shown
when no such dataset has a row for the place. No dataset is named in code.
"""

from __future__ import annotations

from django.core.cache import cache

from satudata.datasets.models import Dataset, Field, Release
from satudata.datasets.query import search_release

MAX_DATASETS = 5
MAX_ROWS = 20  # a dataset listing single schools can have many in a village; link to the rest
CACHE_SECONDS = 300  # as the population summary: a new release shows within five minutes
SOURCES_KEY = "villages-education-sources"


def school_data(code: str) -> list[dict]:
    """The region's rows of each matching dataset: title, period, columns, rows and total."""
    sources = _sources()
    if not sources:  # the usual case before agencies publish: no query per page at all
        return []
    key = f"villages-education:{code}"
    found = cache.get(key)
    if found is None:
        found = [row for row in (_rows(release, code) for release in sources) if row]
        cache.set(key, found, CACHE_SECONDS)
    return found


def _sources() -> list[Release]:
    """The latest published release of each matching dataset, with its dataset and fields;
    cached for all regions, since finding them costs more than reading one region's rows."""
    found = cache.get(SOURCES_KEY)
    if found is not None:
        return found
    datasets = (
        Dataset.objects.public()
        .filter(topic=Dataset.Topic.EDUCATION, fields__type=Field.Type.REGION)
        .distinct()
        .order_by("title")
        .select_related("agency")
        .prefetch_related("fields")[:MAX_DATASETS]
    )
    found = []
    for dataset in datasets:
        release = (
            Release.objects.filter(dataset=dataset, status=Release.Status.PUBLISHED)
            .exclude(table_name="")
            .order_by("-year", "-period", "-version")
            .first()
        )
        if release is not None:
            release.dataset = dataset  # keeps the prefetched fields for search_release
            found.append(release)
    cache.set(SOURCES_KEY, found, CACHE_SECONDS)
    return found


def _rows(release: Release, code: str) -> dict | None:
    fields = list(release.dataset.fields.all())
    region = next(f for f in fields if f.type == Field.Type.REGION)
    shown = [f for f in fields if f.type != Field.Type.REGION]
    if not shown:
        return None
    result = search_release(
        release, filters={region.name: code}, fields=[f.name for f in shown], limit=MAX_ROWS
    )
    if not result["records"]:
        return None
    return {
        "slug": release.dataset.slug,
        "title": release.dataset.title,
        "agency": release.dataset.agency.name,
        "period": release.period_label,
        "field": region.name,
        "columns": [(f.label, f.unit) for f in shown],
        "rows": result["records"],
        "total": result["total"],
    }
