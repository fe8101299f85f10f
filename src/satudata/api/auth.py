"""Who is calling the API: a token (set by ApiTokenMiddleware) or a browser session."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.utils import check_csrf

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def signed_in(request):
    """Auth callable for routes that need an account; sessions must pass CSRF on writes."""
    user = request.user
    if not user.is_authenticated:
        return None
    needs_csrf = not getattr(request, "token_auth", False) and request.method not in SAFE_METHODS
    if needs_csrf and check_csrf(request) is not None:
        raise HttpError(403, _("CSRF check failed; send the CSRF token or use an API token."))
    return user
