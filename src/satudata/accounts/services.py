"""Creating accounts and managing their API tokens, with audit entries."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.models import Agency, ApiToken, User
from satudata.accounts.tokens import issue_token
from satudata.audit import services as audit


@transaction.atomic
def create_account(
    actor,
    *,
    username: str,
    password: str,
    role: str,
    agency: Agency | None = None,
    region=None,
    is_demo: bool = False,
    first_name: str = "",
) -> User:
    """Create an account bound to its agency or region; only custodians (or the system) may."""
    if actor is not None and not actor.is_custodian:
        raise PermissionDenied(_("Only the data custodian may create accounts."))
    user = User(
        username=username,
        role=role,
        agency=agency,
        region=region,
        is_demo=is_demo,
        first_name=first_name,
        # Custodians run the data office and so manage records in the admin site too.
        is_staff=role == User.Role.CUSTODIAN,
        is_superuser=role == User.Role.CUSTODIAN,
    )
    user.set_password(password)
    return audit.create(actor, user)


@transaction.atomic
def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    token, raw = issue_token(user, name)
    audit.record(user, "create", token, after={"name": token.name, "prefix": token.prefix})
    return token, raw


def active_tokens(user: User):
    """The account's tokens that still open the API."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


@transaction.atomic
def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens."""
    token = ApiToken.objects.select_for_update().get(pk=token_id, user=user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(user, "delete", token, before={"name": token.name, "prefix": token.prefix})
    return token


def accounts_that_acted(users) -> list[User]:
    """The accounts among `users` that history names as having done something: every
    relation to an account that deleting it would blank (SET_NULL: the actor of an audit
    entry, a life event, a merge, a NIK conflict, ...). Deleting such an account loses who
    did what, so it is deactivated instead (QA, tenth session)."""
    pks = [user.pk for user in users]
    acted: set[int] = set()
    for model, field in _actor_fields():
        rows = model._base_manager.filter(**{f"{field.name}__in": pks})
        acted.update(rows.values_list(field.attname, flat=True).distinct())
    return [user for user in users if user.pk in acted]


def _actor_fields() -> list[tuple[type[models.Model], models.ForeignKey]]:
    # Every model's own fields, not User._meta.related_objects: that leaves out the
    # relations named "+", which most actor columns are.
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.many_to_one
        and field.related_model is User
        and field.remote_field.on_delete is models.SET_NULL
    ]
