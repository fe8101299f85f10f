"""The CKAN Action API's views: /api/3/action/<name>, GET and POST, CKAN's envelope and errors.

Parameters are read from the query string, a form or a JSON body, checked for their types,
and passed to the action named in ACTIONS (actions.py); whatever it raises becomes CKAN's
error envelope.
"""

from __future__ import annotations

import json
import secrets

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from satudata.core.access import public
from satudata.core.deadline import limited_public_read
from satudata.datasets.ckan.actions import ACTIONS
from satudata.datasets.ckan.errors import ActionError, NotAuthorized, RawJson
from satudata.datasets.ckan.params import check_types


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
            check_types(data)
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
