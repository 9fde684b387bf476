"""The vendor registry: one record per vendor, and everything that lists vendors is built from it.

The kinds a source may have, the connectors, the simulators, the `demo` sources, the report URLs, the API's
report routes and their schema, what may be subscribed to, the navigation, the overview's licensed things, the home page cards, the series alert rules watch and the rows
whose edits invalidate cached charts all read `VENDORS`. A
vendor's code lives in two folders, `ingest/vendors/<kind>/` (an app of its own,
labelled its kind: connector, models, migrations, admin, simulator) and `reports/<kind>/`
(selectors, charts, reports, views, urls), with its templates in its app (`ingest/vendors/<kind>/templates/reports/<kind>/`)
and its tests under `tests/<kind>/`. The records hold dotted paths, so reading the registry
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
    reports: tuple = ()  # dotted paths of its reports (reports.report.Report subclasses), in URL order
    # Labels ("app.Model") of its rows an admin may edit or delete (supervisors, servers, features, product
    # names): such an edit changes what the source's reports show, so it invalidates the source's cached charts
    # (ingest/signals.py). Each has a `source_id`.
    editable_models: tuple = ()
    # Dotted path of its alert series (a list of reports.alerts.series.Series): the things an alert rule can
    # watch and how to read them from rollups. Empty: its things take no denials or utilization rules.
    alert_series: str = ""
    # The unit its things' owned quantity, peak and price are counted in, where no unit is entered; or the dotted
    # path of a function of a thing's key that gives it (`unit_of`), where it depends on the thing.
    unit: str = "units"
    unit_of: str = ""
    # Use beyond what is owned is metered (billed by the license-hour, as MLS's), not a compliance gap.
    metered: bool = False
    # Its pages change with the clock alone (metering locations still active count up to now): no long ETags.
    moving: bool = False
    # What the overview's peak and average mean for its things, where it is not "seats in use".
    peak_note: str = ""
    # Dotted path of a module that thins what it keeps, for `manage.py thin_snapshots`: its THINNING_HELP and
    # its thinning_report(dry_run=...), which returns the lines the command prints.
    thinning: str = ""
    # Dotted path of a module saying where its rows name people (STORED, RAW: dashboard/privacy/stored.py), for
    # PERSONAL_DATA_DAYS and forget_person.
    personal_data: str = ""
    # Whether the overview keeps day summaries of its things (reports/overview/summaries.py), maintained as its
    # rows are stored: its selectors then give `day_summaries(source, first, last, keys)`, computed from its rows,
    # and its connector says what each page stored (`Page.touched`).
    summaries: bool = False
    readme: bool = True  # whether README.md holds its parameter table (params_readme); not for the test vendor
    # Where its code lives, if not in the usual two folders (the test vendor of tests/ lives in one).
    package: str = ""  # its ingest side: ingest/vendors/<kind>/
    reports_package: str = ""  # its reports side: reports/<kind>/

    def __post_init__(self):
        object.__setattr__(self, "package", self.package or f"ingest.vendors.{self.kind}")
        object.__setattr__(self, "reports_package", self.reports_package or f"reports.{self.kind}")

    @property
    def report_urls(self):
        return f"{self.reports_package}.urls"

    @property
    def home_card(self):
        """(template, dotted path of the function that returns its context)."""
        return f"reports/{self.kind}/home_card.html", f"{self.reports_package}.views.home_card"

    @property
    def licensed_things(self):
        """Dotted path of the function giving the overview this vendor's licensed things for a period."""
        return f"{self.reports_package}.selectors.licensed_things"

    def report_classes(self):
        """Its Report classes: their URLs, API routes and schema, and what may be subscribed to."""
        return [import_string(path) for path in self.reports]

    def alert_series_list(self):
        return list(import_string(self.alert_series)) if self.alert_series else []

    @property
    def weekly_peaks(self):
        """Dotted path of the function giving the forecast the weekly peaks of this vendor's licensed things."""
        return f"{self.reports_package}.selectors.weekly_peaks"

    @property
    def day_summaries(self):
        """Dotted path of the function giving the overview's day summaries from its rows ("": it keeps none)."""
        return f"{self.reports_package}.selectors.day_summaries" if self.summaries else ""

    @property
    def licensed_keys(self):
        """Dotted path of the function giving the keys of every licensed thing stored (an import's known keys)."""
        return f"{self.reports_package}.selectors.licensed_keys"

    def connector_class(self):
        return import_string(self.connector)

    def simulator_class(self):
        return import_string(self.simulator)


VENDORS = [
    Vendor(
        kind="mls",
        label="PipelineFX Metered License Server",
        nav_label="MLS",
        nav_url="reports:mls_supervisors",
        connector="ingest.vendors.mls.connector.MlsConnector",
        simulator="ingest.vendors.mls.simulator.MlsSimulator",
        reports=("reports.mls.reports.Supervisor",),
        editable_models=("mls.MlsSupervisor",),
        unit="seats",
        metered=True,
        alert_series="reports.mls.alerts.SERIES",
    ),
    Vendor(
        kind="bigfix",
        label="IBM BigFix Inventory / License Metric Tool",
        nav_label="BigFix",
        nav_url="reports:bigfix",
        connector="ingest.vendors.bigfix.connector.BigfixConnector",
        simulator="ingest.vendors.bigfix.simulator.BigfixSimulator",
        reports=("reports.bigfix.reports.Overview", "reports.bigfix.reports.Product", "reports.bigfix.reports.System"),
        editable_models=("bigfix.BigfixSoftwareTitle",),
        unit_of="reports.bigfix.selectors.unit_of",
        peak_note="the sum of computer systems' peaks per reporting period",
    ),
    Vendor(
        kind="lstat",
        label="X-Formation License Statistics",
        nav_label="License Statistics",
        nav_url="reports:lstat",
        connector="ingest.vendors.lstat.connector.LstatConnector",
        simulator="ingest.vendors.lstat.simulator.LstatSimulator",
        reports=(
            "reports.lstat.reports.Feature",
            "reports.lstat.reports.Server",
            "reports.lstat.reports.Compare",
            "reports.lstat.reports.Users",
            "reports.lstat.reports.Highest",
        ),
        editable_models=("lstat.LstatServer", "lstat.LstatFeature"),
        unit="seats",
        alert_series="reports.lstat.alerts.SERIES",
        summaries=True,
        thinning="ingest.vendors.lstat.retention",
        personal_data="ingest.vendors.lstat.personal",
    ),
    Vendor(
        kind="metering",
        label="Cloudsoft AMP Metering Service",
        nav_label="Metering",
        nav_url="reports:metering",
        connector="ingest.vendors.metering.connector.MeteringConnector",
        simulator="ingest.vendors.metering.simulator.MeteringSimulator",
        reports=(
            "reports.metering.reports.Overview",
            "reports.metering.reports.Tenant",
            "reports.metering.reports.Location",
        ),
        peak_note="locations active at once",
        unit="locations",
        moving=True,
        personal_data="ingest.vendors.metering.personal",
    ),
]
BY_KIND = {vendor.kind: vendor for vendor in VENDORS}


def register(record):
    """Add a vendor that lives outside this list (the test vendor, registered for the test session only).

    Call it before the models load (from an app's package, as tests/tally does): the models, the URLs and the
    fixtures read the registry once.
    """
    if record.kind in BY_KIND:
        raise ValueError(f"a vendor of kind {record.kind!r} is registered already")
    VENDORS.append(record)
    BY_KIND[record.kind] = record


def kind_choices():
    return [(vendor.kind, vendor.label) for vendor in VENDORS]


def kind_label(kind):
    """The product's name of a kind; the kind itself for one no vendor declares (any more)."""
    return BY_KIND[kind].label if kind in BY_KIND else kind


def all_reports():
    """Every vendor's Report classes, in registry order."""
    return [report for vendor in VENDORS for report in vendor.report_classes()]


def vendor(kind):
    try:
        return BY_KIND[kind]
    except KeyError:
        raise ValueError(f"unknown source kind {kind!r}; choose one of {', '.join(BY_KIND)}") from None


def connector_class(kind):
    return vendor(kind).connector_class()
