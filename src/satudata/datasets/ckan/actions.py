"""The CKAN Action API's actions, by name in ACTIONS (the views are in http.py; the
resource and datastore actions in datastore_actions.py).

Each action pairs an input check with an authorization check (the scope of `request.user`,
set by ApiTokenMiddleware from a key or a session) and is read-only.
"""

from __future__ import annotations

import json

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from satudata import __version__
from satudata.accounts.models import Agency
from satudata.datasets import search as catalog_search
from satudata.datasets.ckan import fq as fq_syntax
from satudata.datasets.ckan import stored
from satudata.datasets.ckan.datastore_actions import (
    datastore_search,
    datastore_search_sql,
    resource_show,
)
from satudata.datasets.ckan.dicts import (
    group_dict,
    license_dict,
    organization_dict,
)
from satudata.datasets.ckan.errors import Invalid, NotAuthorized, NotFound, RawJson, SearchError
from satudata.datasets.ckan.params import bool_param, int_param, is_uuid, required
from satudata.datasets.models import Dataset, Tag


def status_show(request, data):
    """Version and capabilities of this site."""
    return {
        "site_title": "Satu Data",
        "site_description": _("Open data of the regency's agencies and villages."),
        "site_url": request.build_absolute_uri("/").rstrip("/"),
        "ckan_version": "2.10.0",
        "satudata_version": __version__,
        "locale_default": "id",
        "extensions": ["datastore", "dcat"],
    }


def package_list(request, data):
    """Names of all datasets this caller may read, by name."""
    limit = int_param(data, "limit", 100_000, 0, 100_000)
    offset = int_param(data, "offset", 0, 0, 10**9)
    names = catalog_search.catalog(request.user).order_by("slug").values_list("slug", flat=True)
    return list(names[offset : offset + limit])


def _facet_fields(data) -> list[str]:
    raw = data.get("facet.field", [])
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip().startswith("[") else [raw]
        except json.JSONDecodeError as exc:
            raise SearchError(_("facet.field must be a JSON list.")) from exc
    if not isinstance(raw, list):
        raise SearchError(_("facet.field must be a JSON list."))
    return [str(f) for f in raw]


def _packages(request, ids: list[int]) -> RawJson:
    return RawJson("[" + ", ".join(stored.packages(request, ids)) + "]")


def package_search(request, data):
    """Search datasets: q, fq, rows, start, sort, facet.field (CKAN's semantics)."""
    rows = int_param(data, "rows", 10, 0, catalog_search.MAX_ROWS)
    start = int_param(data, "start", 0, 0, 10**9)
    facets = _facet_fields(data)
    facet_limit = int_param(data, "facet.limit", 50, -1, 1000)
    fq = data.get("fq", "")
    if isinstance(fq, list):
        fq = " ".join(str(f) for f in fq)
    try:
        fq_syntax.check(str(fq or ""))
        found = catalog_search.search(
            request.user,
            q=str(data.get("q", "") or ""),
            fq=str(fq or ""),
            sort=data.get("sort") or None,
            start=start,
            rows=rows,
            facet_fields=facets,
            facet_limit=facet_limit if facet_limit >= 0 else 1000,
            ids_only=True,
        )
    except catalog_search.TooManyClauses as exc:
        raise Invalid(str(exc), errors={exc.param: [str(exc)]}) from exc
    except catalog_search.SearchQueryError as exc:
        raise SearchError(str(exc)) from exc
    warnings = []
    if found.ignored_words:
        warnings.append(catalog_search.ignored_words_note(found.ignored_words))
    return {
        "count": found.count,
        "sort": data.get("sort") or "score desc, metadata_modified desc",
        "results": _packages(request, found.results),
        "facets": {name: {v: n for v, _label, n in items} for name, items in found.facets.items()},
        "search_facets": {
            name: {
                "title": name,
                "items": [{"name": v, "display_name": label, "count": n} for v, label, n in items],
            }
            for name, items in found.facets.items()
        },
        # Not CKAN's: words past search.MAX_WORDS that were not looked up.
        **({"warnings": warnings} if warnings else {}),
    }


def _dataset(request, ref: str) -> Dataset:
    alive = Dataset.objects.filter(Q(slug=ref) | Q(uuid=ref) if is_uuid(ref) else Q(slug=ref))
    dataset = alive.first()
    user = request.user
    readable = catalog_search.catalog(user) | Dataset.objects.editable_by(user)
    if dataset is None:
        raise NotFound(_("Not found: %(what)s") % {"what": _("dataset")})
    if not readable.filter(pk=dataset.pk).exists():
        if dataset.published_at and dataset.access_level == Dataset.Access.LIMITED:
            raise NotAuthorized(_("Log in or send an API key to read this dataset."))
        raise NotFound(_("Not found: %(what)s") % {"what": _("dataset")})
    return dataset


def package_show(request, data):
    """One dataset by id or name, with organization, tags, extras and resources."""
    dataset = _dataset(request, required(data, "id"))
    return RawJson(stored.packages(request, [dataset.pk])[0])


def _agency_counts() -> dict[int, int]:
    rows = Dataset.objects.public().values_list("agency_id").annotate(n=Count("pk"))
    return dict(rows)


def organization_list(request, data):
    """Agencies (OPD); all_fields gives their dictionaries."""
    agencies = Agency.objects.filter(is_active=True).order_by("slug")
    if not bool_param(data, "all_fields", False):
        return [a.slug for a in agencies]
    counts = _agency_counts()
    return [organization_dict(a, counts.get(a.pk, 0)) for a in agencies]


def organization_show(request, data):
    """One agency; include_datasets adds its public datasets."""
    ref = required(data, "id")
    agency = Agency.objects.filter(slug=ref, is_active=True).first()
    if agency is None:
        raise NotFound(_("Not found: %(what)s") % {"what": _("organization")})
    datasets = catalog_search.catalog(request.user).filter(agency=agency)
    result = organization_dict(agency, datasets.count())
    if bool_param(data, "include_datasets", False):
        ids = list(datasets.order_by("slug").values_list("pk", flat=True)[:1000])
        result["packages"] = _packages(request, ids)
    return result


def group_list(request, data):
    """Topics; all_fields gives their dictionaries. sort is `title asc` (CKAN's default),
    `name` or `package_count`, asc or desc; groups keeps only the named ones."""
    counts = dict(Dataset.objects.public().values_list("topic").annotate(n=Count("pk")))
    groups = [group_dict(v, label, counts.get(v, 0)) for v, label in Dataset.Topic.choices]
    wanted = data.get("groups")
    if wanted:
        names = set(_as_names(wanted))
        groups = [g for g in groups if g["name"] in names]
    key, descending = _group_sort(data.get("sort") or "title asc")
    groups.sort(key=lambda g: (g[key], g["name"]), reverse=descending)
    offset = int_param(data, "offset", 0, 0, 10**9)
    limit = int_param(data, "limit", 1000, 0, 1000)
    groups = groups[offset : offset + limit]
    return groups if bool_param(data, "all_fields", False) else [g["name"] for g in groups]


def group_show(request, data):
    """One topic group by id or name; include_datasets adds its datasets this caller may read
    (at most 1,000, as organization_show)."""
    ref = required(data, "id")
    labels = dict(Dataset.Topic.choices)
    if ref not in labels:
        raise NotFound(_("Not found: %(what)s") % {"what": _("group")})
    datasets = catalog_search.catalog(request.user).filter(topic=ref)
    result = group_dict(ref, labels[ref], datasets.count())
    result.update(extras=[], groups=[], tags=[], users=[], num_followers=0)
    if bool_param(data, "include_datasets", False):
        ids = list(datasets.order_by("slug").values_list("pk", flat=True)[:1000])
        result["packages"] = _packages(request, ids)
    return result


def license_list(request, data):
    """The licences a dataset may carry, as CKAN's licence register lists them."""
    return [license_dict(v, label) for v, label in Dataset.License.choices]


def _as_names(raw) -> list[str]:
    if isinstance(raw, list):
        return [str(v) for v in raw]
    text = str(raw)
    if text.strip().startswith("["):
        try:
            return [str(v) for v in json.loads(text)]
        except json.JSONDecodeError:
            pass
    return [part.strip() for part in text.split(",") if part.strip()]


def _group_sort(raw: str) -> tuple[str, bool]:
    bits = str(raw).split()
    if not bits or bits[0] not in ("title", "name", "package_count") or len(bits) > 2:
        raise Invalid(errors={"sort": [_("Sort by title, name or package_count.")]})
    if len(bits) == 2 and bits[1] not in ("asc", "desc"):
        raise Invalid(errors={"sort": [_("Sort by title, name or package_count.")]})
    return bits[0], len(bits) == 2 and bits[1] == "desc"


def tag_list(request, data):
    """Tags of the datasets this caller may read; all_fields gives their dictionaries."""
    visible = catalog_search.catalog(request.user).values("pk")
    tags = Tag.objects.filter(datasets__in=visible).distinct().order_by("name")
    if data.get("query"):
        tags = tags.filter(name__icontains=str(data["query"])[:60])
    names = list(tags.values_list("name", flat=True))
    if not bool_param(data, "all_fields", False):
        return names
    return [{"id": n, "name": n, "display_name": n, "vocabulary_id": None} for n in names]


def help_show(request, data):
    """The documentation of an action, as CKAN gives it: every answer's `help` links here."""
    name = required(data, "name")
    handler = ACTIONS.get(name)
    if handler is None:
        raise NotFound(_("Not found: %(what)s") % {"what": name[:60]})
    return " ".join((handler.__doc__ or "").split())


ACTIONS = {
    f.__name__: f
    for f in (
        help_show,
        status_show,
        package_list,
        package_search,
        package_show,
        organization_list,
        organization_show,
        group_list,
        group_show,
        license_list,
        tag_list,
        resource_show,
        datastore_search,
        datastore_search_sql,
    )
}
