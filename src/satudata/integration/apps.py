from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "satudata.integration"
    label = "integration"
