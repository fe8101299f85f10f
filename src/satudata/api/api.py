"""The REST API v1: one NinjaAPI, each app contributing its router."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as RefusedByRules
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from satudata import __version__
from satudata.api.auth import signed_in
from satudata.api.errors import (
    UnreadableBody,
    field_label,
    parse_json,
    problems,
    validation_message,
)
from satudata.api.openapi import DESCRIPTION, document
from satudata.core.access import public

# A NUL, or half of a UTF-16 surrogate pair (JSON's "\ud800" alone: a client that cut a
# string in the middle of an emoji), which no database can store as text.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable(value) -> str | None:
    """The first character of the body's text that cannot be stored, or None."""
    if isinstance(value, str):
        found = UNSTORABLE.search(value)
        return found.group() if found else None
    if isinstance(value, dict):
        items = [x for pair in value.items() for x in pair]
    elif isinstance(value, list):
        items = value
    else:
        return None
    return next((found for item in items if (found := _unstorable(item))), None)


class BodyParser(Parser):
    """JSON bodies with no NUL character in their text (PostgreSQL cannot store one, SQLite
    can) and no lone surrogate (neither database can: the driver fails to encode it), refused
    as invalid input on both instead of failing in the database with a server error.

    Ninja answers any error here with its English "Cannot parse request body"; the
    `UnreadableBody` raised instead carries the sentence `http_error` answers with."""

    def parse_body(self, request):
        data = parse_json(request.body)
        found = _unstorable(data)
        if found == "\x00":
            raise UnreadableBody(_("The request body contains a NUL character, which is refused."))
        if found:
            raise UnreadableBody(
                _(
                    "The request body contains half of a character (a lone UTF-16 surrogate, "
                    "as when a text is cut inside an emoji), which is refused."
                )
            )
        return data


class SatuDataAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Ninja's document plus what all operations share (`api.openapi.document`): the
        token's schemes, which operations need one, the refusals and their error shape."""
        return document(super().get_openapi_schema(*args, **kwargs))


api_v1 = SatuDataAPI(
    title="Satu Data API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=BodyParser(),
)


@api_v1.exception_handler(Http404)
def not_found(request, exc):
    return api_v1.create_response(request, {"detail": _("Not found.")}, status=404)


@api_v1.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    message = str(exc)
    if isinstance(exc.__cause__, UnreadableBody):
        message = str(exc.__cause__)
    elif message.startswith("Cannot parse request body"):  # ninja's own, in English
        message = _("The request body cannot be read.")
    return api_v1.create_response(request, {"detail": message}, status=exc.status_code)


# Services refuse with Django's own exceptions; every route answers them the same way.
@api_v1.exception_handler(PermissionDenied)
def forbidden(request, exc):
    message = str(exc) or _("You may not do this.")
    return api_v1.create_response(request, {"detail": message}, status=403)


@api_v1.exception_handler(RefusedByRules)
def refused(request, exc: RefusedByRules):
    return api_v1.create_response(request, {"detail": validation_message(exc)}, status=400)


@api_v1.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    response = api_v1.create_response(
        request, {"detail": _("Log in or send an API token.")}, status=401
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'  # what a 401 must name (RFC 9110)
    return response


@api_v1.exception_handler(ValidationError)
def invalid_input(request, exc: ValidationError):
    """A body or query that does not fit the schema: pydantic's errors, in the caller's
    language ("sex: harus berupa bilangan bulat"); `type` is pydantic's code, for programs."""
    found = problems(exc.errors)
    message = _("The request is not valid: %(problems)s") % {
        "problems": "; ".join(f"{field_label(p['field'])}: {p['message']}" for p in found)
    }
    return api_v1.create_response(request, {"detail": message, "errors": found}, status=400)


class MeOut(Schema):
    username: str
    role: str
    agency: str | None
    region: str | None


@api_v1.get("/me", response=MeOut, auth=signed_in, tags=["accounts"], summary="Who am I")
def me(request):
    """The account the request acts as, with its role and scope."""
    user = request.user
    return {
        "username": user.get_username(),
        "role": user.role,
        "agency": user.agency.slug if user.agency_id else None,
        "region": user.region_id,
    }


@api_v1.get("/status", tags=["meta"], summary="API status")
@public
def status(request):
    return {"version": __version__, "api": "v1"}


def _register_routers() -> None:
    from satudata.datasets.api import router as datasets_router
    from satudata.feedback.api import router as feedback_router
    from satudata.integration.api import router as integration_router
    from satudata.letters.api import router as letters_router
    from satudata.quality.api import router as quality_router
    from satudata.regions.api import router as regions_router
    from satudata.registry.api import router as registry_router
    from satudata.villages.api import router as villages_router

    for router in (
        regions_router,
        registry_router,
        datasets_router,
        villages_router,
        feedback_router,
        letters_router,
        quality_router,
        integration_router,
    ):
        api_v1.add_router("/", router)


_register_routers()
