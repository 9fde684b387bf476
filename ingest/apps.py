from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "ingest"
    verbose_name = "Ingest"

    def ready(self):
        from ingest import checks  # noqa: F401  (registers the start-up checks)
        from ingest.signals import connect_edits

        connect_edits()  # an admin's edit of a supervisor, server, feature or product name bumps its source's data version
