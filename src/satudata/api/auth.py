"""Who is calling the API: a token (set by ApiTokenMiddleware) or a browser session."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class SignedIn(AuthBase):
    """Auth for routes that need an account; sessions must pass CSRF on writes.

    The token itself was already checked by ApiTokenMiddleware (every /api/ path, CKAN's
    included), so this only asks whether someone is signed in. Being an `AuthBase` marks
    each route using it as secured in the OpenAPI document; `api.openapi` names there the
    ways a token may be sent."""

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated:
            return None
        needs_csrf = (
            not getattr(request, "token_auth", False) and request.method not in SAFE_METHODS
        )
        if needs_csrf and check_csrf(request) is not None:
            raise HttpError(403, _("CSRF check failed; send the CSRF token or use an API token."))
        return user


signed_in = SignedIn()
