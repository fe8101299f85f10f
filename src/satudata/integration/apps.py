from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class IntegrationConfig(AppConfig):
    name = "satudata.integration"
    verbose_name = gettext_lazy("Integration")
    label = "integration"

    def ready(self):
        from satudata.integration import queue, services

        # Connector pulls: the scheduler queues due connectors before the worker waits.
        queue.register(queue.Kind.of(services, schedule=services.enqueue_scheduled))
