from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self):
        from ingest.signals import fetch_finished
        from reports.alerts.services import on_fetch_finished

        fetch_finished.connect(on_fetch_finished, dispatch_uid="reports.alerts")

        from ingest.signals import page_stored
        from reports.overview.summaries import on_page_stored

        page_stored.connect(on_page_stored, dispatch_uid="reports.overview.summaries")

        from reports.api.tokens import rate_limit

        rate_limit()  # a malformed API_RATE_LIMIT stops the process at start, not each API request
