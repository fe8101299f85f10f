from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AccountsConfig(AppConfig):
    name = "satudata.accounts"
    verbose_name = gettext_lazy("Accounts and agencies")
    label = "accounts"

    def ready(self):
        # Failed logins (the site's form and the admin's) are logged by a signal receiver.
        from satudata.accounts import signals  # noqa: F401
