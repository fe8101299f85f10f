"""Each dataset's CKAN package stored as JSON text (StoredPackage, one row per dataset).

package_search and package_show send the stored text instead of building a hundred packages
(releases, tags, regions, agency) per request. It is not a cache: the services write it in the
transaction of every change that shows in it (metadata, tags, regions, workflow steps,
publishing releases), an agency's change rewrites its datasets' packages, and `migrate` fills
the ones missing. A dataset without one (loaded in bulk) gets it built when read.

The stored form is neutral in site and language: URLs are paths, and the translated keys
(licence title, topic group) are left out; `packages` puts the site's address before the
paths and adds those keys in the active language.
"""

from __future__ import annotations

import json

from satudata.datasets.ckan.dicts import package_dict, site, translated_parts
from satudata.datasets.models import Dataset, StoredPackage
from satudata.datasets.search import with_package_parts

# How json.dumps writes a "url" key whose value is a path. A quote inside a JSON string is
# always escaped (\"), so this text can only be such a key and the start of its value.
PATH_URL = '"url": "/'
CHUNK = 500


def neutral_json(dataset) -> str:
    """The stored form of one package (a row from search.with_package_parts)."""
    return json.dumps(package_dict(None, dataset))


def _store(datasets) -> int:
    """Build and write the packages of a Dataset queryset, CHUNK datasets at a time."""
    ids = list(datasets.values_list("pk", flat=True))
    manager = Dataset.all_objects.db_manager(datasets.db)
    for first in range(0, len(ids), CHUNK):
        rows = with_package_parts(manager.filter(pk__in=ids[first : first + CHUNK]))
        StoredPackage.objects.db_manager(datasets.db).bulk_create(
            [StoredPackage(dataset_id=row.pk, text=neutral_json(row)) for row in rows],
            update_conflicts=True,
            unique_fields=["dataset"],
            update_fields=["text"],
        )
    return len(ids)


def refresh(*datasets: Dataset) -> None:
    """Store the packages of these datasets; call it after the change, in its transaction."""
    _store(Dataset.all_objects.filter(pk__in=[d.pk for d in datasets]))


def agency_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """post_save of an agency: its name and description are in its datasets' packages.
    Agencies are edited in the admin, which has no service of ours to call this."""
    if not created and not raw:
        _store(Dataset.all_objects.filter(agency_id=instance.pk))


def store_missing(using: str = "default") -> int:
    """Store the packages of the datasets that have none; how many."""
    return _store(Dataset.all_objects.using(using).filter(ckan_package__isnull=True))


def fill_missing(sender, apps=None, using: str = "default", **kwargs) -> None:
    """post_migrate: store the missing packages (datasets from before this table, or loaded
    in bulk). Here rather than in a data migration because today's package_dict reads
    today's schema; skipped while the database is not at the models' schema."""
    for model in (Dataset, StoredPackage):
        try:
            state = apps.get_model(model._meta.label) if apps else model
        except LookupError:
            return
        if {f.column for f in state._meta.concrete_fields} != {
            f.column for f in model._meta.concrete_fields
        }:
            return
    store_missing(using)


def packages(request, ids: list[int]) -> list[str]:
    """The JSON text of each package in `ids` (in that order, alive datasets only) as the
    visitor gets it: absolute URLs, translated keys in the active language."""
    rows = {
        pk: [text, topic, licence]
        for pk, text, topic, licence in Dataset.objects.filter(pk__in=ids).values_list(
            "pk", "ckan_package__text", "topic", "license"
        )
    }
    missing = [pk for pk, row in rows.items() if row[0] is None]
    if missing:
        for dataset in with_package_parts(Dataset.objects.filter(pk__in=missing)):
            rows[dataset.pk][0] = neutral_json(dataset)
    host = json.dumps(site(request))[1:-1]
    translated: dict[tuple[str, str], str] = {}
    texts = []
    for pk in ids:
        if pk not in rows:
            continue  # deleted since the search
        text, topic, licence = rows[pk]
        key = (topic, licence)
        if key not in translated:
            # '"license_title": "…", "groups": […]', appended inside the object's braces.
            translated[key] = json.dumps(translated_parts(topic, licence))[1:-1]
        text = f"{text[:-1]}, {translated[key]}}}"
        texts.append(text.replace(PATH_URL, f'"url": "{host}/'))
    return texts
