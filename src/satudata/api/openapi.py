"""What the generated OpenAPI document of /api/v1/ says beyond each route's own schemas.

Ninja documents each operation's success answer and marks routes using `signed_in` (an
`AuthBase`) as secured by one scheme. Everything every operation shares is added here once,
after generation, instead of on each app's ~50 routes (a new route is covered without
anyone remembering to): the ways a token may be sent, which operations need one, and the
refusals (400/401/403/404/409) with their one error shape. A response a route declares
itself is never replaced.
"""

from __future__ import annotations

from django.conf import settings

from satudata.api.auth import SignedIn
from satudata.api.schemas import ErrorOut

DESCRIPTION = """\
The REST API of Satu Data: regions and local units (RT/RW, hamlets), the population registry
(residents, families, life events, move-ins), population statistics with small counts
suppressed, sectoral datasets and their releases (create, upload, submit, verify, publish),
village maps and potentials, citizens' feedback, letter verification, beneficiary-list
checks, data quality and connectors that pull agencies' sources.

**Authentication.** Operations marked with a lock need an account: send a token made on your
profile page (`/accounts/profile/`) as `Authorization: Bearer <token>` (also `Token <token>`,
the bare token, or `X-CKAN-API-Key: <token>`). A token acts with its account's role and
scope. A token that is not valid or was revoked is refused (401) on every operation, the
public ones included. Browser sessions work too; their writes need the CSRF token.

**Errors.** Every refusal is JSON `{"detail": "…"}` in the caller's language (Indonesian by
default, English with `Accept-Language: en`). A body or query that does not fit the schema
answers 400 with `errors`: one `{field, message, type}` per problem, where `field` is the
name as sent (`members.0.nik`; `body` for the body as a whole) and `type` pydantic's stable
code. Unknown paths answer 404 and wrong methods 405 (with `Allow`), also in JSON.

**Reading datasets.** Published datasets, their metadata and their rows are read through
the CKAN-compatible Action API (`/api/3/action/package_search`, `package_show`,
`datastore_search`) and the DCAT catalogue (`/catalog.ttl`, `/catalog.jsonld`); this API
holds the producers' and custodian's work on them. Anonymous reads of open data send
`Access-Control-Allow-Origin: *`.
"""

# How a token may be sent (accounts.tokens.token_from_request reads them all).
SECURITY_SCHEMES = {
    "bearerToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "A token from /accounts/profile/: `Authorization: Bearer <token>`.",
    },
    "authorizationToken": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "The same token as `Token <token>` or the bare token.",
    },
    "ckanApiKey": {
        "type": "apiKey",
        "in": "header",
        "name": "X-CKAN-API-Key",
        "description": "The same token in CKAN's header, as harvesters and ckanapi send it.",
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": settings.SESSION_COOKIE_NAME,
        "description": "A signed-in browser session; writes also need `X-CSRFToken`.",
    },
}
ANY_CREDENTIAL = [{name: []} for name in SECURITY_SCHEMES]
NINJA_SCHEME = SignedIn.__name__

BAD_REQUEST = (
    "The request is not valid: a body or query that does not fit the schema (`errors` names "
    "each field), an unreadable body, or a value the data's rules refuse."
)
UNAUTHORIZED = (
    "No account: log in or send an API token. Also any request whose token is not valid or "
    "was revoked."
)
FORBIDDEN = (
    "Your account may not do this (its role or scope), or a browser session's write lacks "
    "the CSRF token."
)
NOT_FOUND = "Nothing with this code or id exists, or it is outside what your account may see."
CONFLICT = (
    "The request conflicts with the stored data, for example a NIK registered in another "
    "village or a record someone else changed since you read it."
)
WRITES = {"post", "put", "patch", "delete"}


def _error(description: str) -> dict:
    schema = {"$ref": "#/components/schemas/ErrorOut"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _refusals(method: str, operation: dict, secured: bool) -> dict:
    """The refusals an operation can answer, from what it takes and whether it is secured."""
    places = {p.get("in") for p in operation.get("parameters", [])}
    found = {401: UNAUTHORIZED}
    if places or "requestBody" in operation:
        found[400] = BAD_REQUEST
    if places & {"path", "query"}:
        found[404] = NOT_FOUND
    if secured:
        found[403] = FORBIDDEN
        if method in WRITES:
            found[409] = CONFLICT
    return found


def _add_error_schemas(components: dict) -> None:
    schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas = components.setdefault("schemas", {})
    schemas.update(schema.pop("$defs", {}))
    schemas["ErrorOut"] = schema


def document(schema: dict) -> dict:
    """Complete a generated OpenAPI document in place (and return it)."""
    components = schema.setdefault("components", {})
    components.setdefault("securitySchemes", {}).pop(NINJA_SCHEME, None)
    components["securitySchemes"].update(SECURITY_SCHEMES)
    _add_error_schemas(components)
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            secured = any(NINJA_SCHEME in s for s in operation.get("security", []))
            # An explicit empty list: no credential needed (one sent must still be valid).
            operation["security"] = list(ANY_CREDENTIAL) if secured else []
            responses = operation.setdefault("responses", {})
            declared = {int(status) for status in responses}  # ints, as ninja writes them
            for status, description in _refusals(method, operation, secured).items():
                if status not in declared:
                    responses[status] = _error(description)
    return schema
