from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from satudata.accounts import services
from satudata.accounts.forms import LoginForm, TokenForm
from satudata.accounts.scope import read_scope
from satudata.core.access import login

# Where each role starts its work after logging in (unless `next` says otherwise).
START_PAGES = {
    "village_operator": "registry:index",
    "district_viewer": "registry:index",
    "producer": "datasets:workspace",
    "custodian": "quality:dashboard",
}


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        start = START_PAGES.get(getattr(self.request.user, "role", ""))
        return reverse(start) if start else super().get_default_redirect_url()


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        # Tokens are not revoked with the password: an agency's integration would stop
        # without warning. The owner is told, on the profile page that lists them.
        active = services.active_tokens(self.request.user).count()
        if active:
            messages.warning(
                self.request,
                ngettext(
                    "Your %(count)d API token still works after a password change; revoke it "
                    "below if someone else may know it.",
                    "Your %(count)d API tokens still work after a password change; revoke "
                    "below any that someone else may know.",
                    active,
                )
                % {"count": active},
            )
        return super().form_valid(form)


@login
def profile(request):
    context = {
        "scope": read_scope(request.user),
        "tokens": request.user.api_tokens.all(),
        "token_form": TokenForm(),
        "new_token": request.session.pop("new_token", None),
    }
    return render(request, "accounts/profile.html", context)


@login
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        _token, raw = services.create_token(request.user, form.cleaned_data["name"])
        # Shown once on the next page, then gone from the session.
        request.session["new_token"] = raw
    else:
        messages.error(request, _("Give the token a name."))
    return redirect("accounts:profile")


@login
@require_POST
def token_revoke(request, token_id: int):
    from satudata.accounts.models import ApiToken

    try:
        services.revoke_token(request.user, token_id)
        messages.success(request, _("The token has been revoked."))
    except ApiToken.DoesNotExist as exc:
        # Another account's token, or none: the same answer, so ids reveal nothing.
        raise Http404(_("No such token.")) from exc
    return redirect("accounts:profile")
