from django.apps import AppConfig


class DatasetsConfig(AppConfig):
    name = "satudata.datasets"
    label = "datasets"
