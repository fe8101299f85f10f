"""Authenticating API requests by token, so every route sees one `request.user`."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import JsonResponse
from django.utils.translation import gettext as _

from satudata.accounts.tokens import token_from_request, user_for_token

API_PREFIXES = ("/api/",)
# CKAN's clients read every answer as CKAN's envelope, so on these paths the action view
# itself refuses a bad key (403 "Authorization Error", which ckanapi raises as NotAuthorized).
CKAN_PREFIXES = ("/api/3/action/", "/api/action/")


class ApiTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIXES):
            raw = token_from_request(request)
            if raw is not None:
                user = user_for_token(raw)
                if user is None:
                    return self.refuse(request)
                request.user = user
                request.token_auth = True
                # A token is sent deliberately by a program, never by a browser on its own.
                request._dont_enforce_csrf_checks = True
        return self.get_response(request)

    def refuse(self, request):
        if request.path.startswith(CKAN_PREFIXES):
            # Never the session's account: the request goes on as nobody's, marked refused.
            request.user = AnonymousUser()
            request.api_token_refused = True
            return self.get_response(request)
        response = JsonResponse(
            {"detail": _("The API token is not valid or has been revoked.")}, status=401
        )
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
