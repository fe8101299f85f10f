"""CKAN's dictionaries (package, resource, organization) built from our models."""

from __future__ import annotations

from django.urls import reverse

from satudata.datasets.models import Dataset, Release

MIMETYPES = {"csv": "text/csv", "xlsx": "application/vnd.ms-excel", "json": "application/json"}


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


def resource_dict(request, release: Release, position: int = 0) -> dict:
    dataset = release.dataset
    url = request.build_absolute_uri(
        reverse("datasets:download", args=[dataset.slug, release.uuid, "csv"])
    )
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


def package_dict(request, dataset: Dataset, releases=None) -> dict:
    if releases is None:
        releases = dataset.releases.filter(status=Release.Status.PUBLISHED).order_by(
            "year", "period", "version"
        )
    tags = list(dataset.tags.all())
    topic_label = str(Dataset.Topic(dataset.topic).label) if dataset.topic else ""
    regions = [r.code for r in dataset.regions.all()]
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
    return {
        "id": str(dataset.uuid),
        "name": dataset.slug,
        "title": dataset.title,
        "notes": dataset.description,
        "author": dataset.agency.name,
        "author_email": "",
        "maintainer": dataset.contact,
        "maintainer_email": "",
        "license_id": dataset.license,
        "license_title": str(Dataset.License(dataset.license).label),
        "isopen": dataset.license != Dataset.License.OTHER,
        "url": request.build_absolute_uri(reverse("datasets:detail", args=[dataset.slug])),
        "version": None,
        "state": "active",
        "type": "dataset",
        "private": dataset.access_level != Dataset.Access.OPEN,
        "owner_org": dataset.agency.slug,
        "organization": organization_dict(dataset.agency),
        "groups": [
            {
                "id": dataset.topic,
                "name": dataset.topic,
                "title": topic_label,
                "display_name": topic_label,
            }
        ],
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
