from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "satudata.accounts"
    label = "accounts"

    def ready(self):
        # Failed logins (the site's form and the admin's) are logged by a signal receiver.
        from satudata.accounts import signals  # noqa: F401
