from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class QualityConfig(AppConfig):
    name = "satudata.quality"
    verbose_name = gettext_lazy("Data quality")
    label = "quality"

    def ready(self):
        from satudata.integration import queue
        from satudata.quality.services import dedup_runs

        # "Search for duplicates now" on the duplicates page runs in `satudata worker`.
        queue.register(queue.Kind.of(dedup_runs))
