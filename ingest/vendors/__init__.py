"""The connector registry: one line per vendor.

Each connector lives in its own module and is imported only when used, so the
models can read the list of kinds without importing any vendor code.
"""

from django.utils.module_loading import import_string

CONNECTORS = {
    "mls": ("PipelineFX Metered License Server", "ingest.vendors.mls.MlsConnector"),
    "bigfix": ("IBM BigFix Inventory / License Metric Tool", "ingest.vendors.bigfix.BigfixConnector"),
    "lstat": ("X-Formation License Statistics", "ingest.vendors.lstat.LstatConnector"),
    "metering": ("Cloudsoft AMP Metering Service", "ingest.vendors.metering.MeteringConnector"),
}


def kind_choices():
    return [(kind, label) for kind, (label, _path) in CONNECTORS.items()]


def connector_class(kind):
    try:
        return import_string(CONNECTORS[kind][1])
    except KeyError:
        raise ValueError(f"unknown source kind {kind!r}; choose one of {', '.join(CONNECTORS)}") from None
