from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "satudata.regions"
    label = "regions"
