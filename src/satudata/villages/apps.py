from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class VillagesConfig(AppConfig):
    name = "satudata.villages"
    verbose_name = gettext_lazy("Village profiles")
    label = "villages"
