from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class RegistryConfig(AppConfig):
    name = "satudata.registry"
    verbose_name = gettext_lazy("Population registry")
    label = "registry"
