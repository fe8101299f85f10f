"""REST routes of the feedback app (mounted under /api/v1/)."""

from ninja import Router

router = Router(tags=["feedback"])
