from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satudata.core.access import public, role, scoped
from satudata.core.paging import page_number
from satudata.letters import pdf, services
from satudata.letters.forms import IssueForm, TemplateForm
from satudata.letters.models import Letter, LetterType
from satudata.letters.templating import PLACEHOLDERS

OPERATOR = "village_operator"
# District viewers read their district's letters (list and PDF), as they read its residents.
DISTRICT_VIEWER = "district_viewer"


def _may_issue(user) -> bool:
    return user.is_custodian or user.role == OPERATOR


def _index_page(request, form: IssueForm, status: int = 200):
    letters = Letter.objects.visible_to(request.user).select_related("village")
    page = Paginator(letters, 50).get_page(page_number(request))
    context = {
        "letters": page,
        "page_obj": page,
        "form": form if _may_issue(request.user) else None,
        "show_village": request.user.role != OPERATOR,
    }
    return render(request, "letters/index.html", context, status=status)


@role(OPERATOR, DISTRICT_VIEWER)
def index(request):
    return _index_page(request, IssueForm())


@role(OPERATOR)
@require_POST
def issue(request):
    form = IssueForm(request.POST)
    if form.is_valid():
        try:
            letter = services.issue(request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)  # each message next to its field
        else:
            messages.success(request, _("Letter %(number)s issued.") % {"number": letter.number})
            return redirect("letters:index")
    return _index_page(request, form, status=400)


@scoped
def letter_pdf(request, letter_id: int):
    letter = get_object_or_404(
        Letter.objects.visible_to(request.user).select_related("village"), pk=letter_id
    )
    url = request.build_absolute_uri(
        reverse("letters:verify", args=[services.verification_code(letter)])
    )
    response = HttpResponse(pdf.render(letter, url), content_type="application/pdf")
    filename = letter.number.replace("/", "-")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response


def _save_template(request, village) -> TemplateForm | None:
    """Save or restore one letter type's text; the bound form when it is refused."""
    form = TemplateForm(request.POST)
    if form.is_valid():
        letter_type = form.cleaned_data["letter_type"]
        try:
            if "restore" in request.POST:
                services.restore_default_template(request.user, village, letter_type)
                messages.success(
                    request,
                    _("The default text of %(type)s has been restored.")
                    % {"type": LetterType(letter_type).label},
                )
            else:
                services.save_template(
                    request.user, village, letter_type, form.cleaned_data["body"]
                )
                messages.success(request, _("The letter text has been saved."))
            return None
        except ValidationError as exc:
            form.add_error(None, exc)
    return form


@role(OPERATOR)
def templates(request):
    village = request.user.region if request.user.region_id else None
    refused = None
    if request.method == "POST" and village is not None:
        refused = _save_template(request, village)
        if refused is None:
            return redirect("letters:templates")
        if refused.data.get("letter_type") not in LetterType.values:  # not from our page
            messages.error(request, _("Unknown letter type."))
            return redirect("letters:templates")
    sections = []
    if village is not None:
        for value, label in LetterType.choices:
            own = services.own_template(village, value)
            if refused is not None and refused.data.get("letter_type") == value:
                form = refused
            else:
                form = TemplateForm(
                    initial={"letter_type": value, "body": services.template_body(village, value)}
                )
            form.auto_id = f"id_{value}_%s"  # one page, six forms: ids must differ
            sections.append({"type": value, "label": label, "form": form, "own": own})
    context = {
        "sections": sections,
        "village": village,
        "placeholders": ["{" + p + "}" for p in PLACEHOLDERS],
    }
    return render(request, "letters/templates.html", context, status=400 if refused else 200)


@public
def verify(request, code: str):
    letter = services.letter_for_code(code)
    return render(request, "letters/verify.html", {"letter": letter}, status=200 if letter else 404)
