"""The licensed things every vendor contributes to the overview, and what the overview reads from them.

Each vendor gives its things through one function, `reports.<kind>.selectors.licensed_things(period)`
(named by `Vendor.licensed_things` in the registry), returning `LicensedThing`s. Everything after
that (utilization, right-sizing, cost, callouts) is computed here, the same way for every vendor.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from ingest.vendors import BY_KIND


@dataclass
class LicensedThing:
    """One licensed thing of one source over a period.

    `vendor_owned` is what the vendor reports as owned (MLS: the highest prepaid over the trailing window,
    License Statistics: the feature's total seats); `entitlement` (attached by the overview's `all_things`)
    is what an admin entered. `owned` is the entered quantity where there is one, else the vendor's.
    """

    kind: str
    key: str  # stable within the kind: what an Entitlement is keyed by
    name: str
    source_id: int
    url: str
    server: str = ""  # the license server (or metric, tenant's host...) that tells same-named things apart
    detail: str = ""  # e.g. the BigFix metric
    vendor_owned: float | None = None  # owned as the vendor reports it, where it does
    peak: float | None = None
    average: float | None = None
    denials: int | None = None  # None where the vendor does not report denials
    trend: list = field(default_factory=list)  # the peak per day (or per reporting period), oldest first
    hours: Counter = field(default_factory=Counter)  # {seats in use: hours at that peak}, for right-sizing
    # MLS: (samples, metered license-minutes, highest metered) of each hour with metered use
    metered: list = field(default_factory=list)
    entitlement: object = None  # the thing's reports.overview.models.Entitlement, if one was entered

    @property
    def stable_key(self):
        """The `Key` of the overview's download and import: the same for the same thing in every period."""
        return f"{self.kind}:{self.key}"

    @property
    def entered_owned(self):
        entitlement = self.entitlement
        return quantity(entitlement.owned) if entitlement is not None and entitlement.owned is not None else None

    @property
    def owned(self):
        """What is owned: the admin's entry overrides the vendor's figure."""
        entered = self.entered_owned
        return entered if entered is not None else self.vendor_owned

    @property
    def owned_from(self):
        """ "entered", "vendor", or None where nothing is known."""
        if self.entered_owned is not None:
            return "entered"
        return "vendor" if self.vendor_owned is not None else None

    @property
    def unit(self):
        from reports.overview.models import default_unit

        entitlement = self.entitlement
        return entitlement.unit if entitlement is not None and entitlement.unit else default_unit(self.kind, self.key)

    @property
    def metered_hours(self):
        """MLS: the license-hours used beyond the prepaid licenses in the period (None for other vendors)."""
        if not (self.kind in BY_KIND and BY_KIND[self.kind].metered) or self.peak is None:
            return None
        return round(sum(h[1] for h in self.metered) / 60, 2)


def quantity(value):
    """A Decimal quantity as the figures are computed with: a whole number as an int, else a float."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def daily_peaks(points):
    """[(moment, value), ...] -> the peak of each local day, oldest first."""
    zone = timezone.get_current_timezone()  # once: localtime() looks it up again for each of many points
    days = defaultdict(float)
    for moment, value in points:
        day = moment.astimezone(zone).date()
        days[day] = max(days[day], value)
    return [days[d] for d in sorted(days)]


def link(name, *args, **query):
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


SENTINEL = 918273645  # an integer no URL argument is, to be replaced


def links(name, **query):
    """link(name, pk, **query) as a function of an integer pk, with one reverse() for the many things of a vendor."""
    prefix, suffix = link(name, SENTINEL, **query).split(str(SENTINEL), 1)
    return lambda pk: f"{prefix}{int(pk)}{suffix}"


def seats_covering(hours, percentile):
    """The fewest seats that would have covered `percentile` % of the hours, and the hours they would have denied.

    `hours` maps seats in use to hours at that level. None when there are no hours.
    """
    total = sum(hours.values())
    if not total:
        return None, None
    target = total * percentile / 100
    covered = 0.0
    for seats in sorted(hours):
        covered += hours[seats]
        if covered >= target - 1e-9:
            needed = math.ceil(seats)
            denied = sum(h for s, h in hours.items() if s > needed)
            return needed, round(denied, 2)
    return math.ceil(max(hours)), 0.0  # pragma: no cover (the loop always reaches the total)


def utilization(peak, owned):
    return round(100 * peak / owned, 1) if owned and peak is not None else None


def unused_seats(thing):
    """Owned seats the period's peak never reached."""
    if thing.owned is None or thing.peak is None:
        return None
    return max(0, thing.owned - math.ceil(thing.peak))


def money_of(units, price):
    """units × price, in whole cents (None when either is unknown)."""
    if units is None or price is None:
        return None
    return (Decimal(str(units)) * price).quantize(Decimal("0.01"))
