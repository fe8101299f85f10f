from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "satudata.quality"
    label = "quality"
