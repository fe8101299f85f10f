from django.apps import AppConfig


class VillagesConfig(AppConfig):
    name = "satudata.villages"
    label = "villages"
