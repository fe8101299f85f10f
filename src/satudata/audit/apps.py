from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AuditConfig(AppConfig):
    name = "satudata.audit"
    verbose_name = gettext_lazy("Change history")
    label = "audit"
