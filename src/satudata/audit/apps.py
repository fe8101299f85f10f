from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "satudata.audit"
    label = "audit"
