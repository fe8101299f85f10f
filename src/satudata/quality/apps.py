from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "satudata.quality"
    label = "quality"

    def ready(self):
        from satudata.integration import queue
        from satudata.quality.services import dedup_runs

        # "Search for duplicates now" on the duplicates page runs in `satudata worker`.
        queue.register(queue.Kind.of(dedup_runs))
