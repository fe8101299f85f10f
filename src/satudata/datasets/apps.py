from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class DatasetsConfig(AppConfig):
    name = "satudata.datasets"
    verbose_name = gettext_lazy("Open data catalog")
    label = "datasets"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, post_save

        from satudata.accounts.models import Agency
        from satudata.datasets import services
        from satudata.datasets.ckan import stored

        # The stored CKAN packages: an agency's change rewrites its datasets' packages, and
        # migrate fills rows that have none.
        post_save.connect(stored.agency_saved, sender=Agency, dispatch_uid="ckan-agency")
        # Its name and acronym are search words of its datasets.
        post_save.connect(services.agency_saved, sender=Agency, dispatch_uid="agency-words")
        post_migrate.connect(stored.fill_missing, sender=self, dispatch_uid="ckan-fill")
