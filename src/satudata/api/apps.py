from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "satudata.api"
    label = "api"
