from django.apps import AppConfig
from django.core.signals import request_started


class CatalogConfig(AppConfig):
    name = "catalog"

    def ready(self) -> None:
        from . import probes

        # Counts the requests Django serves, so that tests can show an event never became one.
        request_started.connect(probes.count_request, dispatch_uid="catalog.count_request")
