from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "satudata.letters"
    label = "letters"
