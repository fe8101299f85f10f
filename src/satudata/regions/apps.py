from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class RegionsConfig(AppConfig):
    name = "satudata.regions"
    verbose_name = gettext_lazy("Regions")
    label = "regions"
