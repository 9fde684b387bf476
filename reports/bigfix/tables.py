"""The BigFix pages' tables: the selectors' columns, with links to a product's and a computer system's page.

A link keeps the page's date range and metric, so the next page shows the same slice.
"""

from dashboard.formats import metric_label
from dashboard.tables import Column, Table
from dashboard.tables import columns_of as _columns_of
from reports.bigfix import selectors


def columns_of(pairs, **declared):
    """The selector's columns; a metric shows as people read it ("PVU, sub-capacity"), its download keeps the code."""
    if any(key == "metric" for key, _label in pairs):
        declared.setdefault("metric", Column("metric", "Metric", value=lambda row: metric_label(row["metric"])))
    return _columns_of(pairs, **declared)


def _query(period, metric=None):
    return lambda row: {"metric": metric or row["metric"], "start": period.start, "end": period.end}


def _product_column(period, metric=None):
    return Column(
        "product", "Product", link="reports:bigfix_product", link_args=("source_id", "software_title_id"),
        query=_query(period, metric),
    )  # fmt: skip


def _system_column(period, metric=None, source_id="source_id"):
    return Column(
        "computer_system_id", "Computer system", value=lambda row: f"System {row['computer_system_id']}",
        link="reports:bigfix_system", link_args=(source_id, "computer_system_id"), query=_query(period, metric),
    )  # fmt: skip


def overview_tables(period, *, peaks, series, top, systems):
    """The overview's tables; the first (peaks) is its default download."""
    return [
        Table(columns_of(selectors.PEAK_COLUMNS, product=_product_column(period)), peaks, "peaks", id="bigfix-peaks"),
        Table(columns_of(selectors.SERIES_COLUMNS), series, "series"),
        Table(columns_of(selectors.TOP_COLUMNS), top, "top"),
        Table(columns_of(selectors.SYSTEM_COLUMNS, computer_system_id=_system_column(period)), systems, "systems"),
    ]


def product_systems_table(rows, period, metric, source_id):
    """One product's peaks per reporting period and computer system."""
    columns = columns_of(selectors.PRODUCT_SYSTEM_COLUMNS, computer_system_id=_system_column(period, metric, source_id))
    return Table(columns, rows, "systems")


def system_products_table(rows, period, metric):
    """One computer system's peaks per reporting period and product."""
    return Table(
        columns_of(selectors.SYSTEM_PRODUCT_COLUMNS, product=_product_column(period, metric)), rows, "products"
    )
