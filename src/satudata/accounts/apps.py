from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "satudata.accounts"
    label = "accounts"
