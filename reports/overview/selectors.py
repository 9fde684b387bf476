"""The overview: every vendor's licensed things in one table, with right-sizing, cost and callouts."""

from dataclasses import dataclass

from django.utils.module_loading import import_string

from dashboard.tables import Pair
from ingest.selectors import source_statuses
from ingest.vendors import VENDORS
from reports.overview.models import Entitlement
from reports.overview.things import LicensedThing, seats_covering, unused_seats, utilization

# A peak at or below this share of the owned seats is "far below" them.
UNDERUSED_SHARE = 0.75


@dataclass
class OverviewRow:
    thing: LicensedThing
    kind_label: str
    source_name: str
    status: object  # the source's SourceStatus: last success, stale, failing
    utilization: float | None
    needed: int | None  # seats that would have covered the percentile of hours
    denied_hours: float | None  # hours those seats would have denied
    unused: int | None
    price: object  # Decimal per seat per year, or None
    unused_cost: object  # Decimal, or None

    @property
    def underused(self):
        t = self.thing
        return bool(t.owned and t.peak is not None and t.peak <= UNDERUSED_SHARE * t.owned)


def all_things(period):
    """Every vendor's licensed things for the period, vendor by vendor as the registry lists them."""
    return [thing for vendor in VENDORS for thing in import_string(vendor.licensed_things)(period)]


def overview_rows(things, percentile):
    statuses = {s.source.pk: s for s in source_statuses()}
    labels = {v.kind: v.nav_label for v in VENDORS}
    prices = {(p.kind, p.key): p.price_per_year for p in Entitlement.objects.exclude(price_per_year=None)}
    rows = []
    for t in things:
        needed, denied = seats_covering(t.hours, percentile)
        unused, price = unused_seats(t), prices.get((t.kind, t.key))
        status = statuses.get(t.source_id)
        rows.append(
            OverviewRow(
                thing=t, kind_label=labels[t.kind], source_name=status.source.name if status else "",
                status=status, utilization=utilization(t.peak, t.owned), needed=needed, denied_hours=denied,
                unused=unused, price=price, unused_cost=price * unused if price is not None and unused else None,
            )
        )  # fmt: skip
    return rows


def overview_matches(row, data):
    """Whether a row passes the overview form's filters (vendor kind, source, server)."""
    t = row.thing
    return (
        (not data["kind"] or t.kind == data["kind"])
        and (data["source"] is None or t.source_id == data["source"])
        and (not data["server"] or t.server == data["server"])
    )


def callouts(rows, statuses, days):
    """What a license admin should look at first: denials, seats never used, sources stale or failing."""
    denied = [r for r in rows if r.thing.denials]
    underused = [r for r in rows if r.underused]
    return {
        "denied": sorted(denied, key=lambda r: -r.thing.denials),
        "underused": sorted(underused, key=lambda r: (-(r.unused_cost or 0), -r.unused)),
        "stale": [s for s in statuses if s.stale or s.last_error],
        "days": days,
    }


SORTS = {
    "name": lambda r: (r.thing.name.lower(), r.thing.server.lower()),
    "kind": lambda r: r.kind_label,
    "source": lambda r: r.source_name.lower(),
    "server": lambda r: r.thing.server.lower(),
    "owned": lambda r: r.thing.owned,
    "peak": lambda r: r.thing.peak,
    "average": lambda r: r.thing.average,
    "utilization": lambda r: r.utilization,
    "denials": lambda r: r.thing.denials,
    "needed": lambda r: r.needed,
    "denied_hours": lambda r: r.denied_hours,
    "unused": lambda r: r.unused,
    "unused_cost": lambda r: r.unused_cost,
}


def sort_rows(rows, sort):
    """Sorted by a SORTS key ("-key" for descending); rows without the figure go last either way."""
    key = SORTS[sort.lstrip("-")]
    known = [r for r in rows if key(r) is not None]
    missing = [r for r in rows if key(r) is None]
    return sorted(known, key=key, reverse=sort.startswith("-")) + missing


DOWNLOAD_COLUMNS = [
    ("vendor", "Vendor"), ("name", "Licensed thing"), ("detail", "Metric"), ("source", "Source"),
    ("server", "Server"), ("owned", "Owned"), ("peak", "Peak"), ("average", "Average"),
    Pair("utilization", "Utilization %", "percent"), ("denials", "Denials"), ("needed", "Right-size seats"),
    ("denied_hours", "Hours denied at right-size"), ("unused", "Unused seats"),
    ("price", "Price per seat per year"), ("unused_cost", "Unused seats cost per year"),
    ("last_success", "Last successful fetch"),
]  # fmt: skip


def download_row(row):
    t, success = row.thing, row.status.last_success if row.status else None
    return {
        "vendor": row.kind_label, "name": t.name, "detail": t.detail, "source": row.source_name,
        "server": t.server, "owned": t.owned, "peak": t.peak, "average": t.average,
        "utilization": row.utilization, "denials": t.denials, "needed": row.needed,
        "denied_hours": row.denied_hours, "unused": row.unused,
        "price": float(row.price) if row.price is not None else None,
        "unused_cost": float(row.unused_cost) if row.unused_cost is not None else None,
        "last_success": success.finished_at if success else None,
    }  # fmt: skip
