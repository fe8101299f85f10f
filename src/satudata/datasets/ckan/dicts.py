"""CKAN's dictionaries (package, resource, organization) built from our models."""

from __future__ import annotations

import functools
import uuid

from django.urls import get_script_prefix, reverse

from satudata.datasets.models import Dataset, Release

MIMETYPES = {"csv": "text/csv", "xlsx": "application/vnd.ms-excel", "json": "application/json"}


@functools.lru_cache(maxsize=64)
def _route(name: str, prefix: str, *marks: str) -> str:
    """A route's path reversed once with placeholder arguments (`prefix`, the script prefix,
    is only part of the cache key)."""
    return reverse(name, args=marks)


def _url(request, name: str, *args) -> str:
    """The URL of one of our routes: absolute with a request, a path without one (the stored
    packages, see stored.py). The route is reversed once with placeholder arguments and then
    filled in, so a page of 1,000 packages does not reverse and parse 2,000 URLs (slugs and
    UUIDs need no quoting)."""
    # Placeholders that pass the routes' converters (slug, uuid, str) and occur nowhere else.
    marks = [
        f"ffffffff-ffff-4fff-bfff-fffffffffff{i}" if isinstance(a, uuid.UUID) else f"qq{i}qq"
        for i, a in enumerate(args)
    ]
    url = _route(name, get_script_prefix(), *marks)
    for mark, arg in zip(marks, args, strict=True):
        url = url.replace(mark, str(arg), 1)
    return site(request) + url if request is not None else url


def site(request) -> str:
    """The scheme and host that make our paths absolute, e.g. https://data.example.go.id
    (what build_absolute_uri puts before a path that starts with a slash)."""
    if "_ckan_site" not in request.__dict__:
        request._ckan_site = request.build_absolute_uri("/")[:-1]
    return request._ckan_site


def _iso(moment) -> str | None:
    return moment.replace(tzinfo=None).isoformat() if moment else None


def organization_dict(agency, package_count: int | None = None) -> dict:
    data = {
        "id": agency.slug,
        "name": agency.slug,
        "title": agency.name,
        "display_name": agency.name,
        "description": agency.description,
        "type": "organization",
        "state": "active",
        "is_organization": True,
        "image_url": "",
        "approval_status": "approved",
    }
    if package_count is not None:
        data["package_count"] = package_count
    return data


def group_dict(topic: str, label, package_count: int) -> dict:
    """A topic as CKAN's group: the topics are the site's groups (package.groups)."""
    return {
        "id": topic,
        "name": topic,
        "title": str(label),
        "display_name": str(label),
        "description": "",
        "type": "group",
        "state": "active",
        "is_organization": False,
        "image_url": "",
        "image_display_url": "",
        "approval_status": "approved",
        "package_count": package_count,
    }


# CKAN's licence register entries for the licences a dataset may have (license_list).
LICENSE_URLS = {
    "cc-by": "https://creativecommons.org/licenses/by/4.0/",
    "cc-zero": "https://creativecommons.org/publicdomain/zero/1.0/",
    "odc-by": "https://opendatacommons.org/licenses/by/",
}


def license_dict(license_id: str, title) -> dict:
    is_open = license_id in LICENSE_URLS
    return {
        "id": license_id,
        "title": str(title),
        "url": LICENSE_URLS.get(license_id, ""),
        "status": "active",
        "maintainer": "",
        "family": "",
        "is_generic": not is_open,
        "od_conformance": "approved" if is_open else "not reviewed",
        "osd_conformance": "not reviewed",
        "is_okd_compliant": is_open,
        "is_osi_compliant": False,
        "domain_content": is_open,
        "domain_data": is_open,
        "domain_software": False,
    }


def resource_dict(request, release: Release, position: int = 0) -> dict:
    dataset = release.dataset
    url = _url(request, "datasets:download", dataset.slug, release.uuid, "csv")
    return {
        "id": release.resource_id,
        "package_id": str(dataset.uuid),
        "name": f"{dataset.title} {release.period_label} (v{release.version})",
        "description": f"{release.row_count} rows",
        "format": "CSV",
        "url": url,
        "url_type": "datastore",
        "mimetype": MIMETYPES["csv"],
        "size": None,
        "created": _iso(release.created_at),
        "last_modified": _iso(release.created_at),
        "position": position,
        "state": "active",
        "datastore_active": True,
        "original_format": release.source_format.upper(),
        "period": release.period_label,
    }


def translated_parts(topic: str, license_id: str) -> dict:
    """The package's keys whose values are translated, in the active language: the licence's
    title and the topic's group. Stored packages leave them out (stored.py adds them)."""
    topic_label = str(Dataset.Topic(topic).label) if topic else ""
    return {
        "license_title": str(Dataset.License(license_id).label),
        "groups": [{"id": topic, "name": topic, "title": topic_label, "display_name": topic_label}],
    }


def package_dict(request, dataset: Dataset, releases=None) -> dict:
    """The package as CKAN shows it, in the active language; without a request its URLs are
    paths and the translated keys are left out (the stored, neutral form)."""
    if releases is None:
        releases = getattr(dataset, "published_releases", None)
    if releases is None:
        releases = dataset.releases.filter(status=Release.Status.PUBLISHED).order_by(
            "year", "period", "version"
        )
    tags = getattr(dataset, "tag_list", None)
    if tags is None:
        tags = list(dataset.tags.all())
    region_list = getattr(dataset, "region_list", None)
    if region_list is None:
        region_list = list(dataset.regions.all())
    regions = [r.code for r in region_list]
    extras = {
        "concept": dataset.concept,
        "definition": dataset.definition,
        "classification": dataset.classification,
        "measure": dataset.measure,
        "unit": dataset.unit,
        "frequency": dataset.frequency,
        "temporal_start": str(dataset.temporal_start or ""),
        "temporal_end": str(dataset.temporal_end or ""),
        "spatial": ",".join(regions),
        "access_level": dataset.access_level,
        "release_schedule": dataset.release_schedule,
        "status": dataset.status,
        "demo": "true" if dataset.is_demo else "false",
    }
    package = {
        "id": str(dataset.uuid),
        "name": dataset.slug,
        "title": dataset.title,
        "notes": dataset.description,
        "author": dataset.agency.name,
        "author_email": "",
        "maintainer": dataset.contact,
        "maintainer_email": "",
        "license_id": dataset.license,
        "isopen": dataset.license != Dataset.License.OTHER,
        "url": _url(request, "datasets:detail", dataset.slug),
        "version": None,
        "state": "active",
        "type": "dataset",
        "private": dataset.access_level != Dataset.Access.OPEN,
        "owner_org": dataset.agency.slug,
        "organization": organization_dict(dataset.agency),
        "tags": [
            {
                "id": str(t.pk),
                "name": t.name,
                "display_name": t.name,
                "state": "active",
                "vocabulary_id": None,
            }
            for t in tags
        ],
        "extras": [{"key": k, "value": v} for k, v in extras.items()],
        "resources": [resource_dict(request, r, i) for i, r in enumerate(releases)],
        "num_resources": len(releases),
        "num_tags": len(tags),
        "metadata_created": _iso(dataset.created_at),
        "metadata_modified": _iso(dataset.modified_at),
    }
    if request is not None:
        package.update(translated_parts(dataset.topic, dataset.license))
    return package
