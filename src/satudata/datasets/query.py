"""Reading datastore tables: filtered, sorted, paged queries, for the portal and datastore_search.

Every column name a client sends is checked against the release's schema before it reaches
SQL; every value is a parameter. Problems raise QueryError with field → messages.
"""

from __future__ import annotations

import json

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from satudata.datasets.datastore import CKAN_TYPES, db_value, quote, to_python
from satudata.datasets.models import Dataset, Field, Release

DEFAULT_LIMIT = 100
MAX_LIMIT = 32000


class QueryError(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def readable_releases(user):
    """Releases whose rows this visitor may read: published ones of visible datasets, and
    valid ones of datasets the account may edit (to check them before submitting)."""
    visible = Dataset.objects.visible_to(user).filter(published_at__isnull=False)
    editable = Dataset.objects.editable_by(user)
    public = Q(status=Release.Status.PUBLISHED, dataset__in=visible.values("pk"))
    own = Q(
        status__in=[Release.Status.VALID, Release.Status.PUBLISHED],
        dataset__in=editable.values("pk"),
    )
    return Release.objects.filter(public | own).exclude(table_name="")


def _as_list(value) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                raise QueryError({"fields": [_("Not a JSON list.")]}) from exc
        else:
            return [v.strip() for v in text.split(",") if v.strip()]
    if not isinstance(value, list):
        raise QueryError({"fields": [_("Give a list of column names.")]})
    return [str(v) for v in value]


def _known(fields: dict[str, Field], name: str, param: str) -> str:
    if name != "_id" and name not in fields:
        raise QueryError({param: [_("Unknown column: %(name)s") % {"name": name[:60]}]})
    return name


def _field_type(fields: dict[str, Field], name: str) -> str:
    return "integer" if name == "_id" else fields[name].type


def search_release(
    release: Release,
    *,
    filters=None,
    q=None,
    fields=None,
    sort=None,
    limit=DEFAULT_LIMIT,
    offset=0,
    include_total=True,
) -> dict:
    schema = {f.name: f for f in release.dataset.fields.all()}
    try:
        limit = int(limit if limit not in (None, "") else DEFAULT_LIMIT)
        offset = int(offset or 0)
    except (TypeError, ValueError) as exc:
        raise QueryError({"limit": [_("limit and offset must be whole numbers.")]}) from exc
    if not 0 <= limit <= MAX_LIMIT or offset < 0:
        raise QueryError({"limit": [_("limit is 0 to 32000 and offset not negative.")]})
    names = [_known(schema, n, "fields") for n in _as_list(fields)] or ["_id", *schema]
    where, params = [], []
    if isinstance(filters, str):
        try:
            filters = json.loads(filters or "{}")
        except json.JSONDecodeError as exc:
            raise QueryError({"filters": [_("Not a JSON object.")]}) from exc
    if filters and not isinstance(filters, dict):
        raise QueryError({"filters": [_("Give an object of column: value.")]})
    for name, value in (filters or {}).items():
        _known(schema, str(name), "filters")
        values = value if isinstance(value, list) else [value]
        if not values or len(values) > 1000:
            raise QueryError({"filters": [_("Give 1 to 1000 values for %(n)s.") % {"n": name}]})
        try:
            converted = [db_value(schema[name], v) if name != "_id" else int(v) for v in values]
        except (TypeError, ValueError) as exc:
            raise QueryError(
                {"filters": [_("A value for %(name)s does not fit its type.") % {"name": name}]}
            ) from exc
        where.append(f"{quote(name)} IN ({', '.join(['%s'] * len(converted))})")
        params.extend(converted)
    if isinstance(q, str) and q.strip().startswith("{"):
        try:
            q = json.loads(q)
        except json.JSONDecodeError as exc:
            raise QueryError({"q": [_("Not a JSON object.")]}) from exc
    if q:
        like = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
        pairs = (
            q.items()
            if isinstance(q, dict)
            else [(n, q) for n, f in schema.items() if f.type in ("string", "region", "code")]
        )
        ors = []
        for name, text in pairs:
            _known(schema, str(name), "q")
            escaped = str(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            ors.append(f"{quote(name)} {like} %s ESCAPE '\\'")
            params.append(f"%{escaped}%")
        where.append("(" + (" OR ".join(ors) or "1=0") + ")")
    order = []
    for part in str(sort or "").split(","):
        bits = part.split()
        if not bits:
            continue
        if len(bits) > 2 or (len(bits) == 2 and bits[1].lower() not in ("asc", "desc")):
            raise QueryError({"sort": [_("Sort looks like: column asc, other desc.")]})
        name = _known(schema, bits[0].strip('"'), "sort")
        order.append(f"{quote(name)} {'DESC' if bits[-1].lower() == 'desc' else 'ASC'}")
    order.append('"_id" ASC')
    table = quote(release.table_name)
    where_sql = (" WHERE " + " AND ".join(where)) if where else ""
    sql = (
        f"SELECT {', '.join(quote(n) for n in names)} FROM {table}{where_sql} "  # noqa: S608
        f"ORDER BY {', '.join(order)} LIMIT %s OFFSET %s"
    )
    types = [_field_type(schema, n) for n in names]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        records = [
            [to_python(t, v) for t, v in zip(types, row, strict=True)] for row in cursor.fetchall()
        ]
        total = None
        if include_total:
            if where:
                cursor.execute(f"SELECT COUNT(*) FROM {table}{where_sql}", params)  # noqa: S608
                total = cursor.fetchone()[0]
            else:
                total = release.row_count
    return {
        "fields": [
            {
                "id": n,
                "type": CKAN_TYPES.get(t, "text"),
                "label": schema[n].label if n in schema else "_id",
            }
            for n, t in zip(names, types, strict=True)
        ],
        "records": records,
        "total": total,
        "limit": limit,
        "offset": offset,
    }
