"""The licensed things every vendor contributes to the overview, and what the overview reads from them.

Each vendor gives its things through one function, `reports.<kind>.selectors.licensed_things(period)`
(named by `Vendor.licensed_things` in the registry), returning `LicensedThing`s. Everything after
that (utilization, right-sizing, cost, callouts) is computed here, the same way for every vendor.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone


@dataclass
class LicensedThing:
    kind: str
    key: str  # stable within the kind: what a SeatPrice is keyed by
    name: str
    source_id: int
    url: str
    server: str = ""  # the license server (or metric, tenant's host...) that tells same-named things apart
    detail: str = ""  # e.g. the BigFix metric
    owned: int | None = None  # seats owned, where the vendor knows it
    peak: float | None = None
    average: float | None = None
    denials: int | None = None  # None where the vendor does not report denials
    trend: list = field(default_factory=list)  # the peak per day (or per reporting period), oldest first
    hours: Counter = field(default_factory=Counter)  # {seats in use: hours at that peak}, for right-sizing


def daily_peaks(points):
    """[(moment, value), ...] -> the peak of each local day, oldest first."""
    days = defaultdict(float)
    for moment, value in points:
        day = timezone.localtime(moment).date()
        days[day] = max(days[day], value)
    return [days[d] for d in sorted(days)]


def link(name, *args, **query):
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


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
