"""The types each CKAN action parameter may take, checked before any action runs.

Also the readers every action uses for its parameters (a number in bounds, a flag, a
required text).

A repeated query parameter arrives as a list, and JSON may send any type: `sort=a&sort=b` and
`{"sort": 1}` were server errors deep in the search. Checked here once, the actions read
strings, numbers and lists as they expect, and a wrong type is CKAN's 409 naming it.
"""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from satudata.core.nul import has_nul
from satudata.datasets.ckan.errors import ActionError, Invalid

# A flag is also taken as 0 or 1, a number as its digits.
TEXT, NUMBER, FLAG, TEXTS = (str,), (str, int), (str, bool, int), (str, list)
PARAM_TYPES = {
    "q": (str, dict),  # datastore_search also takes {"column": "words"}
    "fq": TEXTS,
    "sort": TEXT,
    "id": TEXT,
    "name": TEXT,
    "query": TEXT,
    "resource_id": TEXT,
    "records_format": TEXT,
    "sql": TEXT,
    "rows": NUMBER,
    "start": NUMBER,
    "limit": NUMBER,
    "offset": NUMBER,
    "facet.limit": NUMBER,
    "all_fields": FLAG,
    "include_datasets": FLAG,
    "include_total": FLAG,
    "facet.field": TEXTS,
    "fields": TEXTS,
    "groups": TEXTS,
    "filters": (str, dict),
}
TYPE_NAMES = {
    str: gettext_noop("text"),
    int: gettext_noop("a whole number"),
    bool: gettext_noop("true or false"),
    list: gettext_noop("a list of texts"),
    dict: gettext_noop("an object"),
}


def type_error(value, allowed: tuple) -> str | None:
    if isinstance(value, list) and list not in allowed:
        return _("Give one value, not a list (nor the parameter twice).")
    if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
        kinds = ", ".join(_(TYPE_NAMES[kind]) for kind in allowed)
        return _("Must be one of: %(kinds)s.") % {"kinds": kinds}
    if isinstance(value, list) and not all(isinstance(item, str) for item in value):
        return _("Must be a list of texts.")
    return None


def wrong_types(data: dict) -> dict[str, list[str]]:
    """{parameter: [what is wrong]} for every parameter of a type it may not take."""
    errors = {}
    for name, allowed in PARAM_TYPES.items():
        if data.get(name) is not None and (problem := type_error(data[name], allowed)):
            errors[name] = [problem]
    return errors


def check_types(data: dict) -> None:
    """Invalid naming every parameter of the wrong type (PARAM_TYPES); a NUL anywhere is
    refused (NulParameterMiddleware sees query strings and small bodies, not multipart)."""
    if has_nul(data):
        raise ActionError(_("The request body contains a NUL character, which is refused."))
    if errors := wrong_types(data):
        raise Invalid(_("A parameter has the wrong type."), errors=errors)


def int_param(data: dict, name: str, default: int, low: int, high: int) -> int:
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


def bool_param(data: dict, name: str, default: bool) -> bool:
    raw = data.get(name, default)
    if isinstance(raw, bool):
        return raw
    return str(raw).lower() in ("true", "1", "yes", "on")


def required(data: dict, name: str) -> str:
    value = data.get(name)
    if not value or not isinstance(value, str):
        raise Invalid(errors={name: [_("Missing value")]})
    return value


def is_uuid(ref: str) -> bool:
    try:
        uuid.UUID(str(ref))
    except ValueError:
        return False
    return True
