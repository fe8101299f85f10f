from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "satudata.integration"
    label = "integration"

    def ready(self):
        from satudata.integration import queue, services

        # Connector pulls: the scheduler queues due connectors before the worker waits.
        queue.register(queue.Kind.of(services, schedule=services.enqueue_scheduled))
