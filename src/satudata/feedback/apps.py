from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class FeedbackConfig(AppConfig):
    name = "satudata.feedback"
    verbose_name = gettext_lazy("Suggestions and complaints")
    label = "feedback"
