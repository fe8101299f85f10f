"""REST routes of the letters app (mounted under /api/v1/)."""

from ninja import Router

router = Router(tags=["letters"])
