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


@role(OPERATOR)
def index(request):
    letters = Letter.objects.visible_to(request.user).select_related("village")
    page = Paginator(letters, 50).get_page(page_number(request))
    return render(
        request, "letters/index.html", {"letters": page, "page_obj": page, "form": IssueForm()}
    )


@role(OPERATOR)
@require_POST
def issue(request):
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("letters:index")
    try:
        letter = services.issue(request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("letters:index")
    messages.success(request, _("Letter %(number)s issued.") % {"number": letter.number})
    return redirect("letters:index")


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


@role(OPERATOR)
def templates(request):
    village = request.user.region if request.user.region_id else None
    if request.method == "POST" and village is not None:
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                services.save_template(
                    request.user,
                    village,
                    form.cleaned_data["letter_type"],
                    form.cleaned_data["body"],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The letter text has been saved."))
        return redirect("letters:templates")
    forms = []
    if village is not None:
        for value, label in LetterType.choices:
            body = services.template_body(village, value)
            forms.append((label, TemplateForm(initial={"letter_type": value, "body": body})))
    return render(
        request,
        "letters/templates.html",
        {"forms": forms, "village": village, "placeholders": ["{" + p + "}" for p in PLACEHOLDERS]},
    )


@public
def verify(request, code: str):
    letter = services.letter_for_code(code)
    return render(request, "letters/verify.html", {"letter": letter}, status=200 if letter else 404)
