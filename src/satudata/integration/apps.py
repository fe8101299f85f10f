from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "satudata.integration"
    label = "integration"

    def ready(self):
        from satudata.integration import queue, services

        # Connector pulls: the scheduler queues due connectors before the worker waits.
        queue.register(
            queue.Kind(
                name=services.KIND,
                claim=services.claim,
                claim_next=services.claim_next,
                execute=services.execute,
                describe=services.describe,
                outcome=services.outcome,
                schedule=services.enqueue_scheduled,
            )
        )
