"""CKAN's error kinds: each action raises one, and the envelope turns it into CKAN's
`{"success": false, "error": {"__type": …, "message": …}}` with its HTTP status."""

from __future__ import annotations


class ActionError(Exception):
    status = 400
    kind = "Bad request"

    def __init__(self, message: str = "", errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(ActionError):
    status, kind = 404, "Not Found Error"


class NotAuthorized(ActionError):
    status, kind = 403, "Authorization Error"


class Invalid(ActionError):
    status, kind = 409, "Validation Error"


class SearchError(ActionError):
    status, kind = 400, "Search Query Error"


class RawJson(str):
    """JSON text already encoded (stored packages), put into the response as it is."""
