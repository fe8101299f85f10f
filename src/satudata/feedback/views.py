from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satudata.core.access import public, scoped
from satudata.core.paging import page_number
from satudata.feedback import services
from satudata.feedback.forms import FeedbackForm, ReplyForm, StatusForm
from satudata.feedback.models import Feedback


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@public
def new(request):
    if request.method == "POST":
        form = FeedbackForm(request.POST, request.FILES)
        address = services.client_address(request.META)
        if request.POST.get("website"):
            # A bot filled the honeypot: refuse plainly, store nothing, count the attempt.
            services.count_refused(address)
            return render(
                request,
                "feedback/new.html",
                {"form": form, "refused": _("Your message was not accepted.")},
                status=400,
            )
        # Only stored messages count toward the limit: a citizen may correct mistakes.
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = services.submit(
                    category=data["category"],
                    text=data["text"],
                    village=data["village"],
                    agency=data["agency"],
                    contact=data["contact"],
                    photo=data["photo"],
                    address=address,
                )
            except services.RateLimited as exc:
                return render(
                    request, "feedback/new.html", {"form": form, "refused": str(exc)}, status=429
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("Thank you. Keep your tracking code %(code)s to follow your message.")
                    % {"code": item.tracking_code},
                )
                return redirect(reverse("feedback:track") + f"?code={item.tracking_code}")
        return render(request, "feedback/new.html", {"form": form}, status=400)
    initial = {}
    if request.GET.get("village"):
        initial["village"] = request.GET["village"][:13]
    return render(request, "feedback/new.html", {"form": FeedbackForm(initial=initial)})


@public
def track(request):
    code = request.GET.get("code", "")[:20]
    item = services.find_by_code(code) if code else None
    replies = item.replies.all() if item else []
    return render(
        request,
        "feedback/track.html",
        {"code": code, "item": item, "replies": replies, "searched": bool(code)},
        status=404 if code and item is None else 200,
    )


PAGE = 50


def _page(request, items):
    return Paginator(items, PAGE).get_page(page_number(request))


@scoped
def inbox(request):
    items = Feedback.objects.visible_to(request.user).select_related("village", "agency")
    status = request.GET.get("status", "")
    if status in Feedback.Status.values:
        items = items.filter(status=status)
    else:
        status = ""
    page = _page(request, items)
    return render(
        request,
        "feedback/inbox.html",
        {
            "items": page,
            "page_obj": page,
            "query_string": urlencode({"status": status}) + "&" if status else "",
            "status": status,
            "statuses": Feedback.Status.choices,
        },
    )


@scoped
def overdue(request):
    page = _page(request, services.overdue(request.user).select_related("village", "agency"))
    return render(
        request,
        "feedback/inbox.html",
        {"items": page, "page_obj": page, "overdue": True, "days": services.OVERDUE_DAYS},
    )


def _visible_or_404(request, feedback_id: int) -> Feedback:
    return get_object_or_404(Feedback.objects.visible_to(request.user), pk=feedback_id)


def _detail_page(request, item: Feedback, reply_form: ReplyForm | None = None, status=200):
    # Handlers (the village's operator, the agency's producers, the custodian) see the
    # contact; the district viewer reads the message without it.
    can_handle = Feedback.objects.editable_by(request.user).filter(pk=item.pk).exists()
    return render(
        request,
        "feedback/detail.html",
        {
            "item": item,
            "replies": item.replies.all(),
            "can_handle": can_handle,
            "can_reply": can_handle and item.status != Feedback.Status.CLOSED,
            "reply_form": reply_form or ReplyForm(),
            "status_form": StatusForm(initial={"status": item.status}),
        },
        status=status,
    )


@scoped
def detail(request, feedback_id: int):
    return _detail_page(request, _visible_or_404(request, feedback_id))


@scoped
def photo(request, feedback_id: int):
    item = _visible_or_404(request, feedback_id)
    if not item.photo:
        raise Http404
    try:
        handle = default_storage.open(item.photo, "rb")
    except FileNotFoundError:
        # The file went missing (a restore of an old backup without its media archive, a
        # folder not copied to a new server): gone, not a server error.
        raise Http404 from None
    return FileResponse(handle)


def _act(request, feedback_id: int, action) -> Feedback:
    item = _visible_or_404(request, feedback_id)
    try:
        action(item)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Saved."))
    return item


@scoped
@require_POST
def reply(request, feedback_id: int):
    item = _visible_or_404(request, feedback_id)
    services.require_handler(request.user, item)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        # Shown again with the text kept, so a too long reply can be shortened.
        return _detail_page(request, item, reply_form=form, status=400)
    text = form.cleaned_data["text"]
    _act(request, feedback_id, lambda item: services.reply(request.user, item, text))
    return redirect("feedback:detail", feedback_id=feedback_id)


@scoped
@require_POST
def status(request, feedback_id: int):
    value = request.POST.get("status", "")
    _act(request, feedback_id, lambda item: services.set_status(request.user, item, value))
    return redirect("feedback:detail", feedback_id=feedback_id)


@scoped
@require_POST
def hide(request, feedback_id: int):
    hidden = request.POST.get("hidden", "1") == "1"
    _act(request, feedback_id, lambda item: services.set_hidden(request.user, item, hidden))
    return redirect("feedback:detail", feedback_id=feedback_id)
