from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "satudata.core"
    label = "core"
