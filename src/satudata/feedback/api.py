"""REST routes of the feedback app (mounted under /api/v1/)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from satudata.api.auth import signed_in
from satudata.core.access import public
from satudata.feedback import services
from satudata.feedback.models import Feedback
from satudata.feedback.privacy import public_text

router = Router(tags=["feedback"])


class ReplyOut(Schema):
    text: str
    created_at: datetime


class FeedbackPublicOut(Schema):
    """What anyone holding the tracking code sees: never the contact or the photo."""

    tracking_code: str
    category: str
    status: str
    concerns: str
    created_at: datetime
    text: str
    replies: list[ReplyOut]


class FeedbackHandlerOut(Schema):
    id: int
    tracking_code: str
    category: str
    status: str
    village: str | None
    agency: str | None
    created_at: datetime
    text: str
    contact: str
    is_hidden: bool


def _public(item: Feedback) -> dict:
    # Anyone holding the code (a shared screenshot, a forwarded link) sees this: masked as on
    # the village page.
    return {
        "tracking_code": item.tracking_code,
        "category": item.category,
        "status": item.status,
        "concerns": item.target_label(),
        "created_at": item.created_at,
        "text": "" if item.is_hidden else public_text(item.text),
        "replies": [
            {"text": public_text(r.text), "created_at": r.created_at} for r in item.replies.all()
        ],
    }


@router.get("/feedback/track/{code}", response=FeedbackPublicOut, summary="Follow a message")
@public
def track(request, code: str):
    """A message's status and replies by its tracking code (no contact details)."""
    item = services.find_by_code(code)
    if item is None:
        raise HttpError(404, _("No message has this tracking code."))
    return _public(item)


@router.get(
    "/feedback", response=list[FeedbackHandlerOut], auth=signed_in, summary="Messages routed to me"
)
def inbox(request, status: str = ""):
    """The messages routed to the caller's village or agency (everything for the custodian).

    The contact is given to those who handle the message only, not to the district viewer."""
    items = Feedback.objects.visible_to(request.user).select_related("agency")
    if status:
        items = items.filter(status=status)
    items = list(items[:500])
    handled = set(
        Feedback.objects.editable_by(request.user)
        .filter(pk__in=[i.pk for i in items])
        .values_list("pk", flat=True)
    )
    return [
        {
            "id": i.pk,
            "tracking_code": i.tracking_code,
            "category": i.category,
            "status": i.status,
            "village": i.village_id,
            "agency": i.agency.slug if i.agency_id else None,
            "created_at": i.created_at,
            "text": i.text,
            "contact": i.contact if i.pk in handled else "",
            "is_hidden": i.is_hidden,
        }
        for i in items
    ]
