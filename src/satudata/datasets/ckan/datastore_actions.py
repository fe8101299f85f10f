"""CKAN's resource and datastore actions: a published release and its rows, by id."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from satudata.datasets.ckan import sql as safe_sql
from satudata.datasets.ckan.dicts import resource_dict
from satudata.datasets.ckan.errors import Invalid, NotFound
from satudata.datasets.ckan.params import bool_param, int_param, is_uuid, required
from satudata.datasets.models import Release
from satudata.datasets.query import QueryError, readable_releases, search_release


def _release(request, ref: str) -> Release:
    release = None
    if is_uuid(ref):
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
    return resource_dict(request, _release(request, required(data, "id")))


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
    resource_id = required(data, "resource_id")
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
            offset=int_param(data, "offset", 0, 0, 10**9),
            include_total=bool_param(data, "include_total", True),
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
