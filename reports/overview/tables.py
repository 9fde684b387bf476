"""The overview's table: one row per licensed thing, sorted by the server through its headings' links.

Each column says what it means (`HELP`): the tooltip of its heading, and the page's glossary reads the same words.
"""

from dashboard.tables import Column, Table
from reports.templatetags.overview import money, number

CELLS = "reports/overview/cells/"

HELP = {
    "name": "The licensed thing: an MLS supervisor, a License Statistics feature, a BigFix product and metric, "
    "a metering tenant.",
    "source": "The vendor, the source Meterboard reads it from, and its license server.",
    "owned": "What is owned, in the thing's unit: an admin's entry (entered), else the vendor's figure (vendor: "
    "MLS's highest prepaid count over the 30 days before the period's end, License Statistics' total seats).",
    "peak": "The most in use at once in the period (BigFix: the highest sum of computer systems' peaks in a "
    "reporting period; Metering: locations active at once).",
    "average": "The mean in use over the period.",
    "utilization": "Peak ÷ owned.",
    "denials": "Requests the license server refused in the period (n/a where the vendor does not report them).",
    "trend": "The peak of each day (BigFix: of each reporting period).",
    "needed": "Right-size: the fewest units that would have covered the chosen percentile of the period's hours.",
    "denied_hours": "Hours over right-size: the hours of the period in which more than the right-size was in use. "
    "A what-if for the right-size, not denials that happened.",
    "unused": "Owned units the period's peak never reached.",
    "over_deployed": "Over-deployed: units at the peak beyond those owned, and what a true-up would cost at the "
    "price per unit (0 within; MLS use beyond prepaid is metered, not over-deployed).",
    "price": "The entered price per unit per year.",
    "unused_cost": "Unused units × price per unit per year.",
    "saving": "Saving: (owned − right-size) × price per unit per year, 0 when the right-size is at or above owned.",
    "renews_on": "The entered renewal date of the contract, and its reference.",
    "metered": "MLS: license-hours used beyond the prepaid licenses in the period, their cost at the metered "
    "rate, and how many more prepaid seats would have cost less.",
    "forecast": "Reaches owned: when the peak would reach what is owned, at the trend of the weekly peaks of the "
    "last 26 weeks (a least-squares line, outlying weeks left out); no growth where the trend does not rise.",
    "fetched": "When the source was last fetched successfully.",
}


def _cell(key, label, **kw):
    """A column drawn by its cell template, `reports/overview/cells/<key>.html`."""
    return Column(key, label, template=f"{CELLS}{key}.html", help=HELP[key], **kw)


def _figure(key, label, read):
    """A right-aligned figure: whole numbers without decimals, others to two."""
    return Column(key, label, value=lambda r: number(read(r)), numeric=True, help=HELP[key])


def _money(key, label, read):
    return Column(key, label, value=lambda r: money(read(r)), numeric=True, help=HELP[key])


def row_css(row):
    return "over" if row.over_deployed else "denied" if row.thing.denials else "underused" if row.underused else ""


def overview_table(rows, sort_links):
    """`sort_links` are the headings' ?sort= links by SORTS key: only those columns' headings are links."""
    columns = [
        _cell("name", "Licensed thing"),
        _cell("source", "Source · server"),
        _cell("owned", "Owned", numeric=True),
        _figure("peak", "Peak", lambda r: r.thing.peak),
        _figure("average", "Average", lambda r: r.thing.average),
        _cell("utilization", "Utilization", numeric=True),
        _cell("denials", "Denials", numeric=True),
        _cell("trend", "Trend", css="trend"),
        _cell("forecast", "Reaches owned", css="small"),
        _cell("needed", "Right-size", numeric=True),
        _figure("denied_hours", "Hours over right-size", lambda r: r.denied_hours),
        _figure("unused", "Unused", lambda r: r.unused),
        _cell("over_deployed", "Over-deployed", numeric=True),
        _cell("price", "Price / unit / year", numeric=True),
        _money("unused_cost", "Unused / year", lambda r: r.unused_cost),
        _money("saving", "Saving / year", lambda r: r.saving),
        _cell("renews_on", "Renews", css="small"),
        _cell("metered", "Metered", numeric=True),
        _cell("fetched", "Fetched", css="small"),
    ]
    return Table(
        columns, rows, "overview", id="overview", sortable=False, classes="overview", row_css=row_css,
        sort_links=sort_links, foot="reports/overview/foot.html",
    )  # fmt: skip


GLOSSARY = [
    ("Peak", HELP["peak"]),
    ("Average", HELP["average"]),
    ("Utilization", HELP["utilization"]),
    ("Owned", HELP["owned"]),
    ("Right-size", HELP["needed"].removeprefix("Right-size: ")),
    ("Hours over right-size", HELP["denied_hours"].removeprefix("Hours over right-size: ")),
    ("Saving", HELP["saving"].removeprefix("Saving: ")),
    ("Over-deployed", HELP["over_deployed"].removeprefix("Over-deployed: ")),
    ("Metered", HELP["metered"].removeprefix("MLS: ")),
    ("Reaches owned", HELP["forecast"].removeprefix("Reaches owned: ")),
]
