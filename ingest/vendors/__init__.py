"""The vendor registry: one record per vendor, and everything that lists vendors is built from it.

The kind choices, the connectors, the simulators, the `demo` sources, the
report URLs, the navigation, the overview's licensed things and the home page cards all read `VENDORS`. A
vendor's code lives in two folders, `ingest/vendors/<kind>/` (connector,
models, admin, simulator) and `reports/<kind>/` (selectors, charts, views,
urls), with its templates under `templates/reports/<kind>/` and its tests
under `tests/<kind>/`. The records hold dotted paths, so reading the registry
imports no vendor code (the models read the kinds while they load).
"""

from dataclasses import dataclass

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Vendor:
    kind: str  # the Source.kind value and the simulators' URL prefix
    label: str  # the product's own name
    nav_label: str  # its short name in the navigation
    nav_url: str  # the URL name of its reports' first page
    connector: str  # dotted path of its Connector subclass
    simulator: str  # dotted path of its simulator class

    @property
    def package(self):
        return f"ingest.vendors.{self.kind}"

    @property
    def report_urls(self):
        return f"reports.{self.kind}.urls"

    @property
    def home_card(self):
        """(template, dotted path of the function that returns its context)."""
        return f"reports/{self.kind}/home_card.html", f"reports.{self.kind}.views.home_card"

    @property
    def licensed_things(self):
        """Dotted path of the function giving the overview this vendor's licensed things for a period."""
        return f"reports.{self.kind}.selectors.licensed_things"

    @property
    def weekly_peaks(self):
        """Dotted path of the function giving the forecast the weekly peaks of this vendor's licensed things."""
        return f"reports.{self.kind}.selectors.weekly_peaks"

    @property
    def licensed_keys(self):
        """Dotted path of the function giving the keys of every licensed thing stored (an import's known keys)."""
        return f"reports.{self.kind}.selectors.licensed_keys"

    def connector_class(self):
        return import_string(self.connector)

    def simulator_class(self):
        return import_string(self.simulator)


VENDORS = (
    Vendor(
        kind="mls",
        label="PipelineFX Metered License Server",
        nav_label="MLS",
        nav_url="reports:mls_supervisors",
        connector="ingest.vendors.mls.connector.MlsConnector",
        simulator="ingest.vendors.mls.simulator.MlsSimulator",
    ),
    Vendor(
        kind="bigfix",
        label="IBM BigFix Inventory / License Metric Tool",
        nav_label="BigFix",
        nav_url="reports:bigfix",
        connector="ingest.vendors.bigfix.connector.BigfixConnector",
        simulator="ingest.vendors.bigfix.simulator.BigfixSimulator",
    ),
    Vendor(
        kind="lstat",
        label="X-Formation License Statistics",
        nav_label="License Statistics",
        nav_url="reports:lstat",
        connector="ingest.vendors.lstat.connector.LstatConnector",
        simulator="ingest.vendors.lstat.simulator.LstatSimulator",
    ),
    Vendor(
        kind="metering",
        label="Cloudsoft AMP Metering Service",
        nav_label="Metering",
        nav_url="reports:metering",
        connector="ingest.vendors.metering.connector.MeteringConnector",
        simulator="ingest.vendors.metering.simulator.MeteringSimulator",
    ),
)
BY_KIND = {vendor.kind: vendor for vendor in VENDORS}


def kind_choices():
    return [(vendor.kind, vendor.label) for vendor in VENDORS]


def vendor(kind):
    try:
        return BY_KIND[kind]
    except KeyError:
        raise ValueError(f"unknown source kind {kind!r}; choose one of {', '.join(BY_KIND)}") from None


def connector_class(kind):
    return vendor(kind).connector_class()
