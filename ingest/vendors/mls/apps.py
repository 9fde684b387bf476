from django.apps import AppConfig

from ingest.vendors import kind_label


class MlsConfig(AppConfig):
    """The vendor's app: its models, admin and migrations (its label is its kind)."""

    name = "ingest.vendors.mls"
    label = "mls"
    verbose_name = kind_label(label)
