"""REST routes of the quality app (mounted under /api/v1/)."""

from ninja import Router

router = Router(tags=["quality"])
