"""REST routes of the integration app (mounted under /api/v1/)."""

from ninja import Router

router = Router(tags=["integration"])
