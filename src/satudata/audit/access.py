"""Who may read the change history: the data custodian, everywhere."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def custodian_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_custodian:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
