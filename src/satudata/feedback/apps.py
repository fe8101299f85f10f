from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "satudata.feedback"
    label = "feedback"
