from __future__ import annotations

import unicodedata

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from satudata.accounts.models import Agency
from satudata.feedback.models import Feedback
from satudata.regions.models import Region


def deployment_villages():
    """Villages of the regencies this deployment covers, for the 'concerns' choice."""
    codes = settings.SATUDATA_REGENCIES
    query = Region.objects.filter(level=Region.Level.VILLAGE)
    from django.db.models import Q

    prefix = Q(pk__in=[])
    for code in codes:
        prefix |= Q(code__startswith=code + ".")
    return query.filter(prefix).order_by("name")


def visible_text(value: str) -> str:
    """The text, refused when nothing visible is left once invisible characters (zero-width
    spaces and joiners, other format characters) and white space are set aside: QA sent a
    message of zero-width spaces alone, stored as an empty message."""
    shown = "".join(c for c in value if unicodedata.category(c) != "Cf")
    if not shown.strip():
        raise forms.ValidationError(_("Write your message in letters or numbers."))
    return value


class FeedbackForm(forms.Form):
    category = forms.ChoiceField(label=_("Kind of message"), choices=Feedback.Category.choices)
    village = forms.ModelChoiceField(
        label=_("Village it concerns"),
        queryset=Region.objects.none(),
        required=False,
        to_field_name="code",
        error_messages={"invalid_choice": _("No village of this regency has the code %(value)s.")},
    )
    agency = forms.ModelChoiceField(
        label=_("Or the agency it concerns"),
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        to_field_name="slug",
    )
    text = forms.CharField(label=_("Your message"), widget=forms.Textarea, max_length=4000)
    contact = forms.CharField(
        label=_("Contact (optional)"),
        max_length=150,
        required=False,
        help_text=_(
            "Phone or e-mail, seen only by the officers handling your message and by the data "
            "custodian (walidata); never shown publicly."
        ),
    )
    photo = forms.FileField(label=_("Photo (optional)"), required=False)
    # A honeypot: hidden from people by CSS, filled in by bots.
    website = forms.CharField(label=_("Leave this empty"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = deployment_villages()
        self.fields["village"].label_from_instance = lambda r: f"{r.name} ({r.code})"

    def clean_text(self):
        return visible_text(self.cleaned_data["text"])

    def clean(self):
        data = super().clean()
        if self.has_error("village") or self.has_error("agency"):
            return data  # its own error says what is wrong ("choose one" would not)
        if bool(data.get("village")) == bool(data.get("agency")):
            raise forms.ValidationError(_("Choose either a village or an agency."))
        return data


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Reply"), widget=forms.Textarea, max_length=4000)

    def clean_text(self):
        return visible_text(self.cleaned_data["text"])


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Feedback.Status.choices)
