"""The CKAN Action API: /api/3/action/<name>, GET and POST, CKAN's envelope and errors.

Each action pairs an input check with an authorization check (the scope of `request.user`,
set by ApiTokenMiddleware from a key or a session) and is read-only.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
from urllib.parse import urlencode

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Q
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from satudata import __version__
from satudata.accounts.models import Agency
from satudata.core.access import public
from satudata.core.deadline import limited_public_read
from satudata.core.nul import has_nul
from satudata.datasets import search as catalog_search
from satudata.datasets.ckan import fq as fq_syntax
from satudata.datasets.ckan import sql as safe_sql
from satudata.datasets.ckan import stored
from satudata.datasets.ckan.dicts import (
    group_dict,
    license_dict,
    organization_dict,
    resource_dict,
)
from satudata.datasets.ckan.params import wrong_types
from satudata.datasets.models import Dataset, Release, Tag
from satudata.datasets.query import QueryError, readable_releases, search_release


class ActionError(Exception):
    status = 400
    kind = "Bad request"

    def __init__(self, message: str = "", errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(ActionError):
    status, kind = 404, "Not Found Error"


class NotAuthorized(ActionError):
    status, kind = 403, "Authorization Error"


class Invalid(ActionError):
    status, kind = 409, "Validation Error"


class SearchError(ActionError):
    status, kind = 400, "Search Query Error"


def _check_types(data: dict) -> None:
    """Invalid naming every parameter of the wrong type (see params.py); a NUL anywhere is
    refused (NulParameterMiddleware sees query strings and small bodies, not multipart)."""
    if has_nul(data):
        raise ActionError(_("The request body contains a NUL character, which is refused."))
    if errors := wrong_types(data):
        raise Invalid(_("A parameter has the wrong type."), errors=errors)


def _int(data: dict, name: str, default: int, low: int, high: int) -> int:
    raw = data.get(name, default)
    try:
        value = int(raw if raw not in (None, "") else default)
    except (TypeError, ValueError) as exc:
        raise Invalid(errors={name: [_("Must be a whole number.")]}) from exc
    if not low <= value <= high:
        raise Invalid(
            errors={name: [_("Must be from %(lo)d to %(hi)d.") % {"lo": low, "hi": high}]}
        )
    return value


def _bool(data: dict, name: str, default: bool) -> bool:
    raw = data.get(name, default)
    if isinstance(raw, bool):
        return raw
    return str(raw).lower() in ("true", "1", "yes", "on")


def _required(data: dict, name: str) -> str:
    value = data.get(name)
    if not value or not isinstance(value, str):
        raise Invalid(errors={name: [_("Missing value")]})
    return value


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
    limit = _int(data, "limit", 100_000, 0, 100_000)
    offset = _int(data, "offset", 0, 0, 10**9)
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


class RawJson(str):
    """JSON text already encoded (stored packages), put into the response as it is."""


def _packages(request, ids: list[int]) -> RawJson:
    return RawJson("[" + ", ".join(stored.packages(request, ids)) + "]")


def package_search(request, data):
    """Search datasets: q, fq, rows, start, sort, facet.field (CKAN's semantics)."""
    rows = _int(data, "rows", 10, 0, catalog_search.MAX_ROWS)
    start = _int(data, "start", 0, 0, 10**9)
    facets = _facet_fields(data)
    facet_limit = _int(data, "facet.limit", 50, -1, 1000)
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
    alive = Dataset.objects.filter(Q(slug=ref) | Q(uuid=ref) if _is_uuid(ref) else Q(slug=ref))
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


def _is_uuid(ref: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(ref))
    except ValueError:
        return False
    return True


def package_show(request, data):
    """One dataset by id or name, with organization, tags, extras and resources."""
    dataset = _dataset(request, _required(data, "id"))
    return RawJson(stored.packages(request, [dataset.pk])[0])


def _agency_counts() -> dict[int, int]:
    rows = Dataset.objects.public().values_list("agency_id").annotate(n=Count("pk"))
    return dict(rows)


def organization_list(request, data):
    """Agencies (OPD); all_fields gives their dictionaries."""
    agencies = Agency.objects.filter(is_active=True).order_by("slug")
    if not _bool(data, "all_fields", False):
        return [a.slug for a in agencies]
    counts = _agency_counts()
    return [organization_dict(a, counts.get(a.pk, 0)) for a in agencies]


def organization_show(request, data):
    """One agency; include_datasets adds its public datasets."""
    ref = _required(data, "id")
    agency = Agency.objects.filter(slug=ref, is_active=True).first()
    if agency is None:
        raise NotFound(_("Not found: %(what)s") % {"what": _("organization")})
    datasets = catalog_search.catalog(request.user).filter(agency=agency)
    result = organization_dict(agency, datasets.count())
    if _bool(data, "include_datasets", False):
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
    offset = _int(data, "offset", 0, 0, 10**9)
    limit = _int(data, "limit", 1000, 0, 1000)
    groups = groups[offset : offset + limit]
    return groups if _bool(data, "all_fields", False) else [g["name"] for g in groups]


def group_show(request, data):
    """One topic group by id or name; include_datasets adds its datasets this caller may read
    (at most 1,000, as organization_show)."""
    ref = _required(data, "id")
    labels = dict(Dataset.Topic.choices)
    if ref not in labels:
        raise NotFound(_("Not found: %(what)s") % {"what": _("group")})
    datasets = catalog_search.catalog(request.user).filter(topic=ref)
    result = group_dict(ref, labels[ref], datasets.count())
    result.update(extras=[], groups=[], tags=[], users=[], num_followers=0)
    if _bool(data, "include_datasets", False):
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
    if not _bool(data, "all_fields", False):
        return names
    return [{"id": n, "name": n, "display_name": n, "vocabulary_id": None} for n in names]


def _release(request, ref: str) -> Release:
    release = None
    if _is_uuid(ref):
        release = (
            readable_releases(request.user)
            .filter(uuid=ref)
            .select_related("dataset__agency")
            .first()
        )
    if release is None:
        raise NotFound(_("Not found: %(what)s") % {"what": _("resource")})
    return release


def resource_show(request, data):
    """One resource (a published release) by id."""
    return resource_dict(request, _release(request, _required(data, "id")))


def _datastore_links(data, resource_id: str, found: dict) -> dict:
    """`start` and `next` keep the search's own arguments (filters, q, sort, limit…), as
    CKAN's do: a client following `next` gets the next rows of the same search."""
    arguments = {"resource_id": resource_id}
    for key, value in data.items():
        if key in ("resource_id", "offset") or value is None:
            continue
        arguments[key] = json.dumps(value) if isinstance(value, dict | list) else str(value)
    base = "/api/3/action/datastore_search?" + urlencode(arguments)
    return {"start": base, "next": f"{base}&offset={found['offset'] + found['limit']}"}


def datastore_search(request, data):
    """Rows of a resource: filters, q, fields, sort, limit, offset, records_format."""
    resource_id = _required(data, "resource_id")
    release = _release(request, resource_id)
    records_format = data.get("records_format", "objects")
    if records_format not in ("objects", "lists", "csv", "tsv"):
        raise Invalid(errors={"records_format": [_("Use objects, lists, csv or tsv.")]})
    try:
        found = search_release(
            release,
            filters=data.get("filters"),
            q=data.get("q"),
            fields=data.get("fields"),
            sort=data.get("sort"),
            limit=data.get("limit", 100),
            # Bounded here: a 20-digit offset was PostgreSQL's "bigint out of range" (a 500).
            offset=_int(data, "offset", 0, 0, 10**9),
            include_total=_bool(data, "include_total", True),
        )
    except QueryError as exc:
        raise Invalid(errors=exc.errors) from exc
    names = [f["id"] for f in found["fields"]]
    rows = found["records"]
    if records_format == "objects":
        records = [dict(zip(names, r, strict=True)) for r in rows]
    elif records_format == "lists":
        records = rows
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if records_format == "csv" else "\t")
        writer.writerows(rows)
        records = buffer.getvalue()
    result = {
        "resource_id": release.resource_id,
        "fields": [{"id": f["id"], "type": f["type"]} for f in found["fields"]],
        "records": records,
        "records_format": records_format,
        "limit": found["limit"],
        "offset": found["offset"],
        "_links": _datastore_links(data, release.resource_id, found),
    }
    if found["total"] is not None:
        result["total"] = found["total"]
        result["total_was_estimated"] = False
    return result


def datastore_search_sql(request, data):
    """One read-only SELECT over public datastore tables, named by resource id."""
    try:
        return safe_sql.run(data.get("sql"))
    except safe_sql.SqlRefused as exc:
        raise Invalid(errors={"query": [str(exc)]}) from exc


def help_show(request, data):
    """The documentation of an action, as CKAN gives it: every answer's `help` links here."""
    name = _required(data, "name")
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


def _params(request) -> dict:
    try:
        if request.method == "POST":
            body = request.body
            if request.content_type == "application/json" or body[:1] in (b"{", b"["):
                return _json_params(body)
            source = request.POST
        else:
            source = request.GET
        return {k: (v[0] if len(v) == 1 else v) for k, v in source.lists()}
    except (RequestDataTooBig, TooManyFieldsSent, MultiPartParserError) as exc:
        # Django's own refusals would otherwise be an HTML error page, not CKAN's envelope.
        raise ActionError(_("The request is too large or cannot be read.")) from exc


def _json_params(body: bytes) -> dict:
    try:
        data = json.loads(body or b"{}")
    except RecursionError as exc:
        # Nesting deeper than Python's stack: json.loads gives up with RecursionError.
        raise ActionError(_("The request cannot be read: it is nested too deeply.")) from exc
    except ValueError as exc:
        # JSONDecodeError, UnicodeDecodeError, and integers of more than 4,300 digits.
        raise ActionError(_("The request body is not valid JSON.")) from exc
    if not isinstance(data, dict):
        raise ActionError(_("The request body must be a JSON object."))
    return data


def _envelope(request, name: str, status: int, **body) -> HttpResponse:
    """CKAN's envelope as JsonResponse writes it, with RawJson parts (the result, or a value
    of a result dict) inserted as they are: a marker string stands in for each while the rest
    is encoded, and is then replaced by the text."""
    help_url = request.build_absolute_uri(f"/api/3/action/help_show?name={name}")
    raw: dict[str, str] = {}

    def mark(value):
        if not isinstance(value, RawJson):
            return value
        marker = f"raw-json-{secrets.token_hex(8)}"
        raw[f'"{marker}"'] = value
        return marker

    result = body.get("result")
    if isinstance(result, dict):
        body["result"] = {key: mark(value) for key, value in result.items()}
    elif result is not None:
        body["result"] = mark(result)
    text = json.dumps({"help": help_url, **body}, cls=DjangoJSONEncoder)
    for marker, value in raw.items():
        text = text.replace(marker, value, 1)
    return HttpResponse(text, status=status, content_type="application/json")


@csrf_exempt  # read-only actions; clients send a key, not cookies
@public
@limited_public_read
def action(request, name: str):
    # HEAD is a GET without the body (link checkers and harvesters probe URLs with it);
    # the server leaves the body out.
    if request.method not in ("GET", "HEAD", "POST"):
        response = _envelope(
            request,
            name,
            405,
            success=False,
            error={"__type": "Bad request", "message": _("Use GET or POST.")},
        )
        response["Allow"] = "GET, HEAD, POST"
        return response
    handler = ACTIONS.get(name)
    try:
        if getattr(request, "api_token_refused", False):
            # ApiTokenMiddleware leaves a bad key on these paths to us, so that the answer
            # is CKAN's envelope (ckanapi raises NotAuthorized), not API v1's 401.
            raise NotAuthorized(_("The API token is not valid or has been revoked."))
        if handler is None:
            raise ActionError(_("Bad request - Action name not known: %(n)s") % {"n": name[:60]})
        try:
            data = _params(request)
            _check_types(data)
            result = handler(request, data)
        except RecursionError as exc:
            # A parameter nested just short of json's limit can still be too deep to handle.
            raise ActionError(_("The request cannot be read: it is nested too deeply.")) from exc
    except ActionError as exc:
        error = {"__type": exc.kind, "message": exc.message or exc.kind}
        error.update(exc.errors)
        return _envelope(request, name, exc.status, success=False, error=error)
    return _envelope(request, name, 200, success=True, result=result)


@csrf_exempt
@public
def not_an_action(request, rest: str = ""):
    """Any other address under /api/3/ (`/api/3/`, `action/a/b`, a trailing slash): CKAN's
    JSON error with a 404, not the portal's HTML page a client cannot read."""
    message = _("There is no action at this address; actions are at /api/3/action/<name>.")
    error = {"__type": "Not Found Error", "message": message}
    return _envelope(request, "help_show", 404, success=False, error=error)
