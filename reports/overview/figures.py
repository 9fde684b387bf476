"""What the overview computes from a thing's usage and its entitlement: compliance, savings, prepaid vs metered.

Every figure is None where what it needs is unknown (no owned quantity, no price, no usage).
"""

from dataclasses import dataclass
from decimal import Decimal

from ingest.vendors import BY_KIND
from reports.overview.things import money_of

BREAK_EVEN_MAX_SEATS = 1000  # the most extra prepaid seats a break-even tries


def over_deployed(thing):
    """Units in use beyond those owned at the period's peak: 0 within, None where owned or the peak is unknown.

    MLS use beyond the prepaid licenses is metered (billed by the license-hour), not a compliance gap: 0.
    """
    if thing.owned is None or thing.peak is None:
        return None
    if thing.kind in BY_KIND and BY_KIND[thing.kind].metered:
        return 0
    over = round(max(0, thing.peak - thing.owned), 2)
    return int(over) if float(over).is_integer() else over


def saving_per_year(owned, needed, price):
    """(owned − right-size) × price per unit per year; 0 when the right-size is at or above what is owned."""
    if owned is None or needed is None or price is None:
        return None
    return money_of(max(0, owned - needed), price)


@dataclass
class BreakEven:
    """MLS prepaid versus metered over a period of `days` days.

    `seats` more prepaid licenses (0: none would have paid) would have absorbed metered license-hours worth
    `saving` more than they cost for the period; None where the price or metered rate is not entered.
    """

    metered_hours: float
    metered_cost: Decimal | None
    seats: int | None = None
    seats_cost: Decimal | None = None  # what those seats cost for the period
    saving: Decimal | None = None  # metered cost they avoid − seats_cost


def break_even(thing, days):
    """Whether more prepaid seats would have cost less than the period's metered hours, and how many.

    n extra seats absorb, each hour, min(metered license-minutes, n × minutes) of metered use: exact where n is
    at or above the hour's highest metered count (all of it) or the hour's metered use was steady.
    """
    hours = thing.metered_hours
    if not hours:
        return None
    entitlement = thing.entitlement
    rate = entitlement.metered_rate if entitlement is not None else None
    price = entitlement.price_per_year if entitlement is not None else None
    result = BreakEven(hours, money_of(hours, rate))
    if rate is None or price is None:
        return result
    best = (0, Decimal(0), Decimal(0))
    for n in range(1, min(max(h[2] for h in thing.metered), BREAK_EVEN_MAX_SEATS) + 1):
        absorbed = sum(min(minutes, n * samples) for samples, minutes, _top in thing.metered)
        cost = price * n * days / 365
        saving = rate * absorbed / 60 - cost
        if saving > best[1]:
            best = (n, saving, cost)
    n, saving, cost = best
    cents = Decimal("0.01")
    return BreakEven(hours, result.metered_cost, n, cost.quantize(cents), saving.quantize(cents))
