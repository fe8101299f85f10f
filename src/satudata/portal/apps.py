from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "satudata.portal"
    label = "portal"
