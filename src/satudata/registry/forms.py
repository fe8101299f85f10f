"""Forms of the operator pages; the rules themselves live in validation/services."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from satudata.core.formerrors import beside_field
from satudata.regions.codes import BadRegionCode, normalize_code
from satudata.regions.models import LocalUnit, Region
from satudata.regions.services import served
from satudata.registry import codes
from satudata.registry.models import ImportJob, Resident
from satudata.registry.validation import outside_message

# A browser's date input takes only yyyy-mm-dd values, whatever the page's language formats.
DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _codes(field: str, required: bool = False):
    empty = [] if required else [("", "—")]
    return forms.TypedChoiceField(
        choices=empty + codes.choices(field), coerce=int, required=required, empty_value=None
    )


def _sex_choices() -> list[tuple[int, str]]:
    """Sex in the UI's language, as the resident's page names it (the code list's labels
    are Indonesian in any language: "1 – Laki-laki" on the English form; language QA)."""
    return [(code, f"{code} – {capfirst(label)}") for code, label in Resident.Sex.choices]


def digits_input() -> forms.TextInput:
    """A NIK or KK number field: phones show the number pad (text, not a number input, so a
    leading 0 and the 16 digits are kept as typed)."""
    return forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})


# A person joining a card (registered onto it or moving in) is asked this (services.
# _card_relationship): no relationship to its head can be guessed, except on an empty card.
CARD_RELATIONSHIP_HELP = _(
    "To the head of that family card; needed when the card already has members. The "
    "first person on an empty card becomes its head: leave it empty there."
)


class ResidentForm(forms.Form):
    nik = forms.CharField(label=_("NIK"), max_length=16, required=False, widget=digits_input())
    nik_is_temporary = forms.BooleanField(
        label=_("temporary NIK (the person has none yet)"), required=False
    )
    name = forms.CharField(label=_("name"), max_length=100)
    sex = forms.TypedChoiceField(choices=_sex_choices, coerce=int, empty_value=None)
    birth_place = forms.CharField(label=_("place of birth"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("date of birth"), widget=DATE_INPUT)
    religion = _codes("religion")
    education_kk = _codes("education_kk")
    education_current = _codes("education_current")
    occupation = _codes("occupation")
    marital_status = _codes("marital_status")
    relationship = _codes("relationship")
    citizenship = _codes("citizenship", required=True)
    blood_type = _codes("blood_type")
    disability = _codes("disability")
    father_name = forms.CharField(label=_("father's name"), max_length=100, required=False)
    mother_name = forms.CharField(label=_("mother's name"), max_length=100, required=False)
    unit = forms.TypedChoiceField(label=_("RT"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, village=None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "sex": _("sex"),
            "religion": _("religion"),
            "education_kk": _("education (KK)"),
            "education_current": _("education in progress"),
            "occupation": _("occupation"),
            "marital_status": _("marital status"),
            "relationship": _("relationship in family"),
            "citizenship": _("citizenship"),
            "blood_type": _("blood type"),
            "disability": _("disability"),
        }
        for name, label in labels.items():
            self.fields[name].label = label
        self.fields["unit"].choices = rt_choices(village)


def rt_choices(village) -> list[tuple]:
    """The village's RTs as "Dusun 1 / RW 002 / RT 003", in that order (hamlet, RW, RT):
    sorted by RT number alone, one RT among dozens was hard to find."""
    if not village:
        return [("", "—")]
    units = LocalUnit.objects.filter(village=village, level="rt").select_related("parent__parent")
    labelled = sorted(((u.path_label(), u.pk) for u in units), key=lambda pair: pair[0].lower())
    return [("", "—")] + [(pk, label) for label, pk in labelled]


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: beside its field, without the field's
    name that starts it for API callers (`beside_field`), or in full above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            if field in form.fields:
                form.add_error(field, [beside_field(e) for e in errors])
            else:
                form.add_error(None, errors)
    else:
        form.add_error(None, exc.messages)


def apply_early(form: forms.Form, problems: dict) -> None:
    """On a form Django refused: the service's checks of single values (field -> message),
    beside the fields Django accepted, so the user corrects everything in one round rather
    than meet these after the form's own errors. Saving checks them again."""
    accepted = {
        field: message
        for field, message in problems.items()
        if field in form.cleaned_data and field not in form.errors
    }
    if accepted:
        apply_errors(form, ValidationError(accepted))


def _not_in_future(value: datetime.date | None) -> None:
    if value and value > datetime.date.today():
        raise ValidationError(_("must not be in the future."))


def _event_date() -> forms.DateField:
    return forms.DateField(
        label=_("date of the event"),
        initial=datetime.date.today,
        validators=[_not_in_future],
        widget=DATE_INPUT,
    )


class EventForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("event"), choices=[("death", _("death")), ("move_out", _("moved out"))]
    )
    date = _event_date()
    place = forms.CharField(label=_("moved to"), max_length=100, required=False)
    to_village = forms.CharField(
        label=_("destination village code"),
        max_length=20,
        required=False,
        help_text=_(
            "For a move to a village of this regency, e.g. 6112012001: only that village can "
            "then take the record in, and it sees the person in its list of arrivals."
        ),
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)
    # The confirmation lives in the form, not only in a script's dialog: without script (or
    # with a stray tap on a phone) a death must not be recorded in one tap.
    confirm = forms.BooleanField(
        label=_(
            "I have checked that this is the right person; they will no longer count as a "
            "living resident of the village"
        ),
        error_messages={"required": _("tick the box to confirm that this is the right person.")},
    )


class CorrectionForm(forms.Form):
    note = forms.CharField(
        label=_("why the recorded status is wrong"),
        max_length=150,
        help_text=_("For example: the death was recorded for the wrong person."),
    )


def _only(form: forms.Form, keep: tuple[str, ...]) -> None:
    for name in list(form.fields):
        if name not in keep:
            del form.fields[name]
    form.order_fields(keep)


class FamilyForm(forms.Form):
    family_number = forms.CharField(
        label=_("KK number"), max_length=16, required=False, widget=digits_input()
    )
    unit = forms.TypedChoiceField(label=_("RT"), coerce=int, required=False, empty_value=None)
    address = forms.CharField(label=_("address"), max_length=200, required=False)

    def __init__(self, *args, village=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = rt_choices(village)


class FamilyPlaceForm(FamilyForm):
    """The family moves house inside the village: RT and address, no KK number."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["family_number"]


class BirthForm(ResidentForm):
    """A baby born into a family: the family gives village and RT; a child by default."""

    KEEP = (
        "name",
        "sex",
        "birth_date",
        "birth_place",
        "nik",
        "nik_is_temporary",
        "relationship",
        "religion",
        "blood_type",
        "father_name",
        "mother_name",
    )

    def __init__(self, *args, mothers=(), **kwargs):
        super().__init__(*args, **kwargs)
        _only(self, self.KEEP)
        self.fields["relationship"].initial = 4
        # The mother picked from the card: her record gives (and checks) the parents' names.
        self.fields["mother"] = forms.TypedChoiceField(
            label=_("mother on this family card"),
            choices=[("", _("— not on this card: type her name below —"))]
            + [(m.pk, m.name) for m in mothers],
            coerce=int,
            empty_value=None,
            required=False,
            error_messages={"invalid_choice": STALE_CHOICE},
        )
        self.order_fields(self.KEEP[:-2] + ("mother", "father_name", "mother_name"))
        self.fields["mother_name"].help_text = _("Only when the mother is not on this card.")
        self.fields["nik"].help_text = _(
            "If the baby has no NIK yet, leave it empty and tick “temporary NIK”: one is "
            "given (0, the village code and a serial number)."
        )


class MoveInForm(ResidentForm):
    """A person arriving: a NIK held elsewhere moves that one record; otherwise a new one."""

    confirm = forms.BooleanField(
        label=_("if another village holds this NIK: yes, move that record to this village"),
        required=False,
    )
    origin = forms.CharField(label=_("moved from"), max_length=100, required=False)
    date = _event_date()
    family_number = forms.CharField(
        label=_("KK number"), max_length=16, required=False, widget=digits_input()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The service checks the details only when the NIK is new to the database.
        for name in ("name", "sex", "birth_date", "citizenship"):
            self.fields[name].required = False
        self.fields["family_number"].help_text = _(
            "A family card of this village; leave empty to add the family later."
        )
        self.fields["relationship"].help_text = CARD_RELATIONSHIP_HELP
        self.fields["name"].help_text = _(
            "The details below are needed only for a person whose NIK is not yet in the "
            "database; a NIK registered in another village moves that record here as it is."
        )
        self.order_fields(
            (
                "nik",
                "nik_is_temporary",
                "confirm",
                "origin",
                "date",
                "family_number",
                "unit",
                "name",
            )
        )


# A choice the page offered that is no longer possible (the card changed meanwhile).
STALE_CHOICE = _(
    "this person can no longer be chosen: the family card changed since this page was "
    "opened. Open the form again."
)
STALE_FORM = _("This form is out of date or incomplete. Open the form again.")


def _member_choices(members) -> list[tuple[int, str]]:
    return [(m.pk, f"{m.name} ({m.label_relationship or '—'})") for m in members]


def _add_relationship_fields(form: forms.Form, members, help_text: str) -> None:
    """A `rel_<id>` field per member: their relationship to the new head of the card (split,
    change of head); empty keeps the current one."""
    relationships = [(c, t) for c, t in codes.choices("relationship") if c != codes.HEAD]
    for member in members:
        form.fields[f"rel_{member.pk}"] = forms.TypedChoiceField(
            label=_("%(name)s: relationship to the new head") % {"name": member.name},
            coerce=int,
            empty_value=None,
            required=False,
            choices=[
                ("", _("keep: %(current)s") % {"current": member.label_relationship or "—"}),
                *relationships,
            ],
            help_text=help_text,
        )


class SplitForm(forms.Form):
    members = forms.TypedMultipleChoiceField(
        label=_("members who move to the new family card"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": STALE_CHOICE},
    )
    new_head = forms.TypedChoiceField(
        label=_("head of the new family"),
        coerce=int,
        error_messages={"invalid_choice": STALE_CHOICE},
    )
    family_number = forms.CharField(
        label=_("new KK number"), max_length=16, required=False, widget=digits_input()
    )
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    date = _event_date()

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = _member_choices(members)
        self.fields["members"].choices = choices
        self.fields["new_head"].choices = [("", "—"), *choices]
        # Each moving member's relationship to the new head (as on the change of head);
        # empty keeps the current one, which was relative to the old card's head.
        _add_relationship_fields(
            self, members, _("Only for a member who moves; not used for the new head.")
        )

    def clean(self):
        data = super().clean()
        if "members" in data and "new_head" in data and data["new_head"] not in data["members"]:
            self.add_error("new_head", _("must be one of the members who move."))
        for pk in self._relationships():
            if "members" in data and pk not in data["members"]:
                self.add_error(
                    f"rel_{pk}",
                    _(
                        "this member does not move; leave it empty, or tick the member among "
                        "those who move."
                    ),
                )
        return data

    def _relationships(self) -> dict[int, int]:
        return {
            int(name[4:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("rel_") and value is not None
        }

    def others(self) -> dict[int, int]:
        """The relationships the operator gave, by member id (the new head's left out)."""
        chosen = self.cleaned_data["new_head"]
        return {pk: value for pk, value in self._relationships().items() if pk != chosen}


class HeadForm(forms.Form):
    new_head = forms.TypedChoiceField(
        label=_("new head of family"),
        coerce=int,
        error_messages={"invalid_choice": STALE_CHOICE},
    )
    old_head_relationship = forms.TypedChoiceField(
        label=_("the old head's relationship from now on"),
        coerce=int,
        choices=[(c, t) for c, t in codes.choices("relationship") if c != codes.HEAD],
        initial=11,
    )
    date = _event_date()
    # The head the page showed: a change from a stale page is refused, not applied to
    # whoever heads the card by then.
    head_was = forms.IntegerField(
        label=_("head of family when the form was opened"),
        widget=forms.HiddenInput,
        required=False,
    )

    def __init__(self, *args, members=(), head=None, **kwargs):
        # 0: the card had no living head (the head had died) when the form was opened.
        super().__init__(*args, initial={"head_was": head.pk if head else 0}, **kwargs)
        self.fields["new_head"].choices = [("", "—"), *_member_choices(members)]
        # Each other member's relationship to the new head; empty keeps the current one.
        _add_relationship_fields(
            self, members, _("Not used for the person chosen as the new head.")
        )

    def clean(self):
        cleaned = super().clean()
        # A form without it (or with a forged value) is refused with one plain sentence, not
        # as an error of a field the page does not show.
        if self.errors.pop("head_was", None) or cleaned.get("head_was") is None:
            cleaned.pop("head_was", None)
            raise forms.ValidationError(STALE_FORM)
        return cleaned

    def others(self) -> dict[int, int]:
        """The relationships the operator changed, by member id (the new head's left out)."""
        chosen = self.cleaned_data["new_head"]
        return {
            int(name[4:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("rel_") and value is not None and int(name[4:]) != chosen
        }


class _PlaceOnCardForm(forms.Form):
    """What a pindah KK asks besides who and which card: the new relationship and the date."""

    relationship = forms.TypedChoiceField(
        label=_("relationship in the new family"),
        coerce=int,
        choices=[("", "—"), *codes.choices("relationship")],
    )
    date = _event_date()


class JoinFamilyForm(_PlaceOnCardForm):
    """From the resident's page: the card of the village, found by its KK number."""

    family_number = forms.CharField(label=_("KK number"), max_length=16, widget=digits_input())
    field_order = ("family_number", "relationship", "date")


class AddMemberForm(_PlaceOnCardForm):
    """From the family's page: a resident of the village, found by NIK."""

    nik = forms.CharField(label=_("NIK"), max_length=16, widget=digits_input())
    field_order = ("nik", "relationship", "date")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    village = forms.CharField(
        label=_("village code"),
        required=False,
        help_text=_("Leave empty to take it from the kode_desa column."),
    )
    mode = forms.ChoiceField(label=_("mode"), choices=ImportJob.Mode.choices)
    dry_run = forms.BooleanField(label=_("dry run: check only, save nothing"), required=False)

    def __init__(self, *args, own_village: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if own_village:
            # An operator of one village imports into it: asking for its code (with a hint
            # about a kode_desa column) would only raise the question which code to type.
            del self.fields["village"]

    def clean_file(self):
        """Refused here by its name, not minutes later in the background job."""
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(
                _("file: %(name)s is not a CSV or XLSX file; save it as one of those.")
                % {"name": upload.name}
            )
        return upload

    def clean_village(self) -> str:
        """The village code as typed, dotted or not; one the region table lacks is refused
        here, where the user can correct it, not after the file has been read."""
        typed = self.cleaned_data.get("village", "").strip()
        if not typed:
            return ""
        try:
            code = normalize_code(typed)
        except BadRegionCode:
            code = ""
        if not Region.objects.filter(code=code, level=Region.Level.VILLAGE).exists():
            raise ValidationError(
                _("village code: no village has the code %(code)s.") % {"code": typed}
            )
        if not served(code):
            raise ValidationError(outside_message(code))
        return code
