"""REST routes of the villages app (mounted under /api/v1/)."""

from ninja import Router

router = Router(tags=["villages"])
