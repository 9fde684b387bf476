"""The overview: every vendor's licensed things in one table, with right-sizing, cost and callouts."""

from dataclasses import dataclass

from django.utils.module_loading import import_string

from dashboard.tables import Pair
from ingest.selectors import source_statuses
from ingest.vendors import VENDORS
from reports.overview.figures import break_even, over_deployed, saving_per_year
from reports.overview.models import Entitlement
from reports.overview.things import LicensedThing, money_of, seats_covering, unused_seats, utilization

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
    price: object  # Decimal per unit per year, or None
    unused_cost: object  # Decimal, or None
    over_deployed: float | None = None  # units in use beyond those owned (0 within)
    true_up_cost: object = None  # Decimal: over_deployed at the price per unit per year
    saving: object = None  # Decimal a year: (owned - needed) * price
    break_even: object = None  # MLS: figures.BreakEven, where metered licenses were used

    @property
    def entitlement(self):
        return self.thing.entitlement

    @property
    def unneeded(self):
        """Owned units beyond the right-size (None where either is unknown)."""
        owned = self.thing.owned
        return max(0, owned - self.needed) if owned is not None and self.needed is not None else None

    @property
    def underused(self):
        t = self.thing
        return bool(t.owned and t.peak is not None and t.peak <= UNDERUSED_SHARE * t.owned)


def all_things(period):
    """Every vendor's licensed things for the period, vendor by vendor as the registry lists them, each with
    its entitlement (what an admin entered) where there is one."""
    things = [thing for vendor in VENDORS for thing in import_string(vendor.licensed_things)(period)]
    entitlements = {(e.kind, e.key): e for e in Entitlement.objects.all()}
    for thing in things:
        thing.entitlement = entitlements.get((thing.kind, thing.key))
    return things


def vendor_owned():
    """{Key: the vendor's owned figure} of every thing over the overview's default period (the last 90 days)."""
    from datetime import timedelta

    from django.utils import timezone

    from reports.periods import Period

    today = timezone.localdate()
    return {t.stable_key: t.vendor_owned for t in all_things(Period(today - timedelta(days=89), today, "day"))}


def overview_rows(things, percentile, days, statuses=None):
    """The overview's figures of each thing over a period of `days` days, right-sized to `percentile` % of hours
    (`statuses`: the source statuses, where the caller has read them already)."""
    statuses = {s.source.pk: s for s in (source_statuses() if statuses is None else statuses)}
    labels = {v.kind: v.nav_label for v in VENDORS}
    rows = []
    for t in things:
        needed, denied = seats_covering(t.hours, percentile)
        unused, price = unused_seats(t), t.entitlement.price_per_year if t.entitlement is not None else None
        status, over = statuses.get(t.source_id), over_deployed(t)
        rows.append(
            OverviewRow(
                thing=t, kind_label=labels[t.kind], source_name=status.source.name if status else "",
                status=status, utilization=utilization(t.peak, t.owned), needed=needed, denied_hours=denied,
                unused=unused, price=price, unused_cost=money_of(unused, price) if unused else None,
                over_deployed=over, true_up_cost=money_of(over, price) if over else None,
                saving=saving_per_year(t.owned, needed, price), break_even=break_even(t, days),
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
    """What a license admin should look at first: over-deployment, denials, savings, seats never used, sources
    stale or failing."""
    denied = [r for r in rows if r.thing.denials]
    underused = [r for r in rows if r.underused]
    return {
        "over_deployed": sorted((r for r in rows if r.over_deployed), key=lambda r: (-(r.true_up_cost or 0),
                                                                                     -r.over_deployed)),
        "denied": sorted(denied, key=lambda r: -r.thing.denials),
        "savings": sorted((r for r in rows if r.saving), key=lambda r: -r.saving),
        "underused": sorted(underused, key=lambda r: (-(r.unused_cost or 0), -r.unused)),
        "stale": [s for s in statuses if s.stale or s.last_error],
        "days": days,
    }  # fmt: skip


def totals(rows):
    """The sums under the table: unused seats' cost, savings, true-up cost, metered cost (None where none known)."""

    def total(values):
        known = [v for v in values if v is not None]
        return sum(known) if known else None

    return {
        "unused": total(r.unused_cost for r in rows),
        "saving": total(r.saving for r in rows),
        "true_up": total(r.true_up_cost for r in rows),
        "metered": total(r.break_even.metered_cost for r in rows if r.break_even),
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
    "over_deployed": lambda r: r.over_deployed,
    "saving": lambda r: r.saving,
    "renews_on": lambda r: r.entitlement.renews_on if r.entitlement is not None else None,
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
    ("stable_key", "Key"), ("owned_from", "Owned from"), ("unit", "Unit"), ("price_per_unit", "Price per unit per year"),
    Pair("renews_on", "Renews on", "date"), ("reference", "Reference"), ("over_deployed", "Over-deployed"),
    ("true_up_cost", "True-up cost"), ("right_size", "Right-size"), ("saving", "Saving per year"),
    ("metered_hours", "Metered license-hours"), ("metered_rate", "Metered rate per license-hour"),
    ("metered_cost", "Metered cost"), ("break_even_seats", "Prepaid seats that would have paid"),
]  # fmt: skip

# The columns of the download that an entitlements import reads back (the others are ignored).
IMPORT_COLUMNS = ["Key", "Owned", "Unit", "Price per unit per year", "Renews on", "Reference"]


def _float(value):
    return float(value) if value is not None else None


def download_row(row):
    t, success, e, even = row.thing, row.status.last_success if row.status else None, row.entitlement, row.break_even
    return {
        "vendor": row.kind_label, "name": t.name, "detail": t.detail, "source": row.source_name,
        "server": t.server, "owned": t.owned, "peak": t.peak, "average": t.average,
        "utilization": row.utilization, "denials": t.denials, "needed": row.needed,
        "denied_hours": row.denied_hours, "unused": row.unused,
        "price": _float(row.price), "unused_cost": _float(row.unused_cost),
        "last_success": success.finished_at if success else None,
        "stable_key": t.stable_key, "owned_from": t.owned_from, "unit": t.unit, "price_per_unit": _float(row.price),
        "renews_on": e.renews_on.isoformat() if e is not None and e.renews_on else None,
        "reference": e.reference if e is not None else "", "over_deployed": row.over_deployed,
        "true_up_cost": _float(row.true_up_cost), "right_size": row.needed, "saving": _float(row.saving),
        "metered_hours": even.metered_hours if even else None,
        "metered_rate": _float(e.metered_rate) if e is not None else None,
        "metered_cost": _float(even.metered_cost) if even else None,
        "break_even_seats": even.seats if even else None,
    }  # fmt: skip
