from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "satudata.registry"
    label = "registry"
