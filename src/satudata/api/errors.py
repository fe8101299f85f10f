"""Error messages of the REST API, in the caller's language.

Django's validation errors are already translated; pydantic's (a body or query that does not
fit the operation's schema) come in English, so each is told again from its error `type` and
context, never from pydantic's English `msg`. The field is named as the client sent it:
`sex`, not `payload.sex`.
"""

from __future__ import annotations

import json
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Where ninja puts a value in an error's `loc`; the client does not send these names.
SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}

DATE = gettext_lazy("is not a valid date (write it as YYYY-MM-DD, e.g. 2000-02-29)")
DATETIME = gettext_lazy("is not a valid date and time (write it as YYYY-MM-DDTHH:MM:SS)")
INTEGER = gettext_lazy("must be a whole number")
NUMBER = gettext_lazy("must be a number")
TEXT = gettext_lazy("must be text")
OBJECT = gettext_lazy("must be a JSON object")
LIST = gettext_lazy("must be a list")

# pydantic's error types (pydantic_core's ErrorType) → our sentence; %(…)s come from `ctx`.
MESSAGES = {
    "missing": gettext_lazy("is required"),
    "int_parsing": INTEGER,
    "int_type": INTEGER,
    "int_from_float": INTEGER,
    "int_parsing_size": gettext_lazy("is too large a number"),
    "float_parsing": NUMBER,
    "float_type": NUMBER,
    "decimal_parsing": NUMBER,
    "decimal_type": NUMBER,
    "finite_number": NUMBER,
    "bool_parsing": gettext_lazy("must be true or false"),
    "bool_type": gettext_lazy("must be true or false"),
    "string_type": TEXT,
    "string_unicode": TEXT,
    "string_too_short": gettext_lazy("must have at least %(min_length)s characters"),
    "string_too_long": gettext_lazy("must have at most %(max_length)s characters"),
    "string_pattern_mismatch": gettext_lazy("does not have the expected form"),
    "date_type": DATE,
    "date_parsing": DATE,
    "date_from_datetime_parsing": DATE,
    "date_from_datetime_inexact": DATE,
    "date_value_error": DATE,
    "date_past": gettext_lazy("must be a date in the past"),
    "date_future": gettext_lazy("must be a date in the future"),
    "datetime_type": DATETIME,
    "datetime_parsing": DATETIME,
    "datetime_from_date_parsing": DATETIME,
    "datetime_object_invalid": DATETIME,
    "greater_than": gettext_lazy("must be greater than %(gt)s"),
    "greater_than_equal": gettext_lazy("must be %(ge)s or more"),
    "less_than": gettext_lazy("must be less than %(lt)s"),
    "less_than_equal": gettext_lazy("must be %(le)s or less"),
    "multiple_of": gettext_lazy("must be a multiple of %(multiple_of)s"),
    "too_short": gettext_lazy("must have at least %(min_length)s items"),
    "too_long": gettext_lazy("must have at most %(max_length)s items"),
    "list_type": LIST,
    "tuple_type": LIST,
    "set_type": LIST,
    "dict_type": OBJECT,
    "model_type": OBJECT,
    "model_attributes_type": OBJECT,
    "dataclass_type": OBJECT,
    "literal_error": gettext_lazy("is not one of the accepted values (%(expected)s)"),
    "enum": gettext_lazy("is not one of the accepted values (%(expected)s)"),
    "extra_forbidden": gettext_lazy("is not a field of this request"),
    "json_invalid": gettext_lazy("is not valid JSON"),
    "json_type": gettext_lazy("is not valid JSON"),
    "uuid_parsing": gettext_lazy("is not a valid UUID"),
    "uuid_type": gettext_lazy("is not a valid UUID"),
    "url_parsing": gettext_lazy("is not a valid URL"),
    "url_type": gettext_lazy("is not a valid URL"),
    "url_scheme": gettext_lazy("is not a valid URL"),
}
INVALID = gettext_lazy("has a value that is not valid")


# Django's own model-field messages, said as the pydantic ones are: its Indonesian catalog
# writes "Field ini tidak boleh kosong." beside our "nama: wajib diisi".
MODEL_MESSAGES = {
    "blank": gettext_lazy("must not be empty"),
    "null": gettext_lazy("must not be empty"),
    "required": MESSAGES["missing"],
    "invalid_choice": gettext_lazy("is not one of the accepted values"),
    "max_length": MESSAGES["string_too_long"],
}


def _model_message(error: ValidationError) -> str:
    template = MODEL_MESSAGES.get(error.code or "")
    if template is None:
        return " ".join(error.messages)
    try:
        return str(template) % (error.params or {}) if "%(" in str(template) else str(template)
    except (KeyError, TypeError, ValueError):
        return " ".join(error.messages)


def validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            " ".join(_model_message(e) for e in errors)
            if field == "__all__"
            else f"{field}: {' '.join(_model_message(e) for e in errors)}"
            for field, errors in exc.error_dict.items()
        )
    return " ".join(exc.messages)


# The names `errors[].field` gives what is not one field: fixed, for programs (the body as a
# whole is "body" in every language); `detail`, for people, says them in their language.
BODY = "body"
REQUEST = "request"
FIELD_LABELS = {BODY: gettext_lazy("request body"), REQUEST: gettext_lazy("request")}


def field_name(loc) -> str:
    """('body', 'payload', 'members', 0, 'nik') → 'members.0.nik'; the body as a whole (its
    one schema parameter: missing, or not an object) is 'body'."""
    parts = list(loc or ())
    source = parts.pop(0) if parts and parts[0] in SOURCES else None
    if source == "body":
        if len(parts) <= 1:
            return BODY
        parts = parts[1:]  # the operation's parameter name (`payload`), not the client's
    return ".".join(str(p) for p in parts) or REQUEST


def field_label(field: str) -> str:
    """A field as `detail` names it: the client's own names as they are, "isi permintaan"
    for the body as a whole."""
    label = FIELD_LABELS.get(field)
    return str(label) if label is not None else field


def _accepted(expected: str) -> str:
    """pydantic's "'health', 'education' or 'social'" (English "or") → "health, education,
    social": the values as the client must send them, in no language."""
    values = re.findall(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", expected)
    found = [single or double for single, double in values]
    return ", ".join(found) if found else expected


def problem_message(error: dict) -> str:
    """One pydantic error, said in the active language (never pydantic's English `msg`)."""
    template = MESSAGES.get(error.get("type", ""))
    if template is None:
        return str(INVALID)
    # Only the limits (`ge`, `max_length`…) are ever put in a sentence, never `ctx["error"]`.
    context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    if "expected" in context:
        context["expected"] = _accepted(context["expected"])
    try:
        return str(template) % context if "%(" in str(template) else str(template)
    except (KeyError, TypeError, ValueError):
        return str(INVALID)


def problems(errors) -> list[dict]:
    return [
        {
            "field": field_name(error.get("loc", ())),
            "message": problem_message(error),
            "type": str(error.get("type", "")),
        }
        for error in errors
    ]


class UnreadableBody(ValueError):
    """A request body that is not JSON (or not UTF-8); its message is for the client."""


def parse_json(body: bytes):
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        raise UnreadableBody(
            _("The request body is not valid JSON (line %(line)d, column %(column)d).")
            % {"line": exc.lineno, "column": exc.colno}
        ) from None
    except (UnicodeDecodeError, ValueError):
        raise UnreadableBody(_("The request body is not valid JSON (UTF-8).")) from None
