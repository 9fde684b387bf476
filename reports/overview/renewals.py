"""Renewals: the entitlements renewing in the next N days, soonest first, with what the overview says of each.

A renewal's figures are the overview's row of its licensed thing over the chosen period (by default the last
90 days, as the overview): owned, peak, right-size, saving and over-deployment, and the forecast. An
entitlement whose thing has no data in the period is listed all the same, with what was entered.
"""

from datetime import timedelta

from ingest.vendors import BY_KIND
from reports.overview.forecast import forecasts
from reports.overview.models import Entitlement
from reports.overview.things import quantity

DEFAULT_DAYS = 90
MAX_DAYS = 3660  # ten years ahead
CALLOUT_DAYS = 90  # the overview's callout: renewals of the next quarter

COLUMNS = [
    ("renews_on", "Renews on"), ("days_left", "Days left"), ("vendor", "Vendor"), ("name", "Licensed thing"),
    ("detail", "Metric"), ("source", "Source"), ("server", "Server"), ("reference", "Reference"), ("key", "Key"),
    ("owned", "Owned"), ("unit", "Unit"), ("peak", "Peak"), ("needed", "Right-size"),
    ("price", "Price per unit per year"), ("saving", "Saving per year"), ("over_deployed", "Over-deployed"),
    ("true_up", "True-up cost"), ("reaches_owned", "Reaches owned in (weeks)"), ("forecast", "Forecast"),
    ("notes", "Notes"),
]  # fmt: skip


def renewing(today, days):
    """The entitlements renewing from today to `days` days ahead, soonest first."""
    window = Entitlement.objects.filter(renews_on__gte=today, renews_on__lte=today + timedelta(days=days))
    return list(window.order_by("renews_on", "kind", "label", "key"))


def _money(value):
    return float(value) if value is not None else None


def renewal_rows(overview_rows, entitlements, today):
    """One row per entitlement (as COLUMNS names them), with its thing's overview figures where it has any."""
    by_key = {(r.thing.kind, r.thing.key): r for r in overview_rows}
    found = [by_key[(e.kind, e.key)] for e in entitlements if (e.kind, e.key) in by_key]
    trends = forecasts([(r.thing, r.thing.owned) for r in found])
    rows = []
    for e in entitlements:
        row = by_key.get((e.kind, e.key))
        t = row.thing if row else None
        trend = trends.get((e.kind, e.key))
        owned = t.owned if t else quantity(e.owned)
        rows.append({
            "renews_on": e.renews_on, "days_left": (e.renews_on - today).days,
            "vendor": BY_KIND[e.kind].nav_label if e.kind in BY_KIND else e.kind,
            "name": t.name if t else (e.label or e.key), "detail": t.detail if t else "",
            "source": row.source_name if row else "", "server": t.server if t else "",
            "reference": e.reference, "key": f"{e.kind}:{e.key}", "owned": owned, "unit": e.unit_or_default,
            "peak": t.peak if t else None, "needed": row.needed if row else None, "price": _money(e.price_per_year),
            "saving": _money(row.saving) if row else None, "over_deployed": row.over_deployed if row else None,
            "true_up": _money(row.true_up_cost) if row else None,
            "reaches_owned": trend.weeks if trend else None, "forecast": trend.label if trend else "",
            "notes": e.notes, "url": t.url if t else "",
        })  # fmt: skip
    return rows
