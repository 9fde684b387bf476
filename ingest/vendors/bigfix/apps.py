from django.apps import AppConfig

from ingest.vendors import kind_label


class BigfixConfig(AppConfig):
    """The vendor's app: its models, admin and migrations (its label is its kind)."""

    name = "ingest.vendors.bigfix"
    label = "bigfix"
    verbose_name = kind_label(label)
