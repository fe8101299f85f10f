"""Who may call a view: every page view is wrapped in exactly one of these.

The wrapper both enforces the rule and labels the view, so the permission-matrix test can
find any route that was never classified. Object scope (which village, which agency) is still
checked by the service or `visible_to`; `scoped` only says the view does that check.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

PUBLIC = "public"
LOGIN = "login"
ROLE = "role"
SCOPED = "scoped"


def _label(view, kind: str, roles: tuple[str, ...] = ()):
    view.access = kind
    view.access_roles = roles
    return view


def public(view):
    """Anyone, logged in or not."""
    return _label(view, PUBLIC)


def login(view):
    """Any logged-in account; what it sees inside is its own (profile, tokens)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return _label(wrapper, LOGIN)


def scoped(view):
    """A logged-in account, limited to its villages/agency by the service or visible_to."""
    wrapper = login(view)
    return _label(wrapper, SCOPED)


def role(*roles: str):
    """Only accounts with one of these roles (custodian always passes)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (user.is_custodian or user.role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return _label(wrapper, ROLE, roles)

    return decorator


def custodian(view):
    """Only the data custodian (walidata)."""
    return role("custodian")(view)
