"""The overview's table: one row per licensed thing, sorted by the server through its headings' links."""

from dashboard.tables import Column, Table
from reports.templatetags.overview import money, number

CELLS = "reports/overview/cells/"


def _cell(key, label, **kw):
    """A column drawn by its cell template, `reports/overview/cells/<key>.html`."""
    return Column(key, label, template=f"{CELLS}{key}.html", **kw)


def _figure(key, label, read):
    """A right-aligned figure: whole numbers without decimals, others to two."""
    return Column(key, label, value=lambda r: number(read(r)), numeric=True)


def row_css(row):
    return "denied" if row.thing.denials else "underused" if row.underused else ""


def overview_table(rows, sort_links):
    """`sort_links` are the headings' ?sort= links by SORTS key: only those columns' headings are links."""
    columns = [
        _cell("name", "Licensed thing"),
        _cell("source", "Source · server"),
        Column("owned", "Owned", value=lambda r: number(r.thing.owned) or "—", numeric=True),
        _figure("peak", "Peak", lambda r: r.thing.peak),
        _figure("average", "Average", lambda r: r.thing.average),
        _cell("utilization", "Utilization", numeric=True),
        _cell("denials", "Denials", numeric=True),
        _cell("trend", "Trend", css="trend"),
        _cell("forecast", "Reaches owned", css="small"),
        _cell("needed", "Right-size", numeric=True),
        _figure("denied_hours", "Hours denied", lambda r: r.denied_hours),
        _figure("unused", "Unused", lambda r: r.unused),
        _cell("price", "Seat / year", numeric=True),
        Column("unused_cost", "Unused / year", value=lambda r: money(r.unused_cost), numeric=True),
        _cell("fetched", "Fetched", css="small"),
    ]
    return Table(
        columns, rows, "overview", id="overview", sortable=False, classes="overview", row_css=row_css,
        sort_links=sort_links, foot="reports/overview/foot.html",
    )  # fmt: skip
