from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class LettersConfig(AppConfig):
    name = "satudata.letters"
    verbose_name = gettext_lazy("Letters")
    label = "letters"
