"""REST routes of the datasets app (mounted under /api/v1/)."""

from ninja import Router

router = Router(tags=["datasets"])
