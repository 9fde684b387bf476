"""Schedule arithmetic: the next send time and the period a send covers, in the subscription's own zone.

Times are computed as wall-clock times in the zone and only then turned into UTC, so a weekly 08:00
Europe/Berlin report stays at 08:00 Berlin time on both sides of a daylight-saving change.
"""

import calendar
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAY_NAMES = list(calendar.day_name)  # Monday first, as date.weekday()
WEEKDAY_CODES = [name[:3].upper() for name in WEEKDAY_NAMES]


def zone(name):
    """The zone named `name` (Area/City), or ValueError naming it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}: give one like Europe/Berlin") from None


def _last_day(year, month):
    return calendar.monthrange(year, month)[1]


def _due_on(day, *, every, weekday, day_of_month):
    if every == "weekly":
        return day.weekday() == weekday
    if every == "monthly":
        return day.day == min(day_of_month, _last_day(day.year, day.month))
    return True


def wall_clock(day, at, tz):
    """`at` on `day` in `tz`, as an aware UTC datetime.

    A time skipped by a spring-forward change resolves to the same distance past the change
    (02:30 becomes 03:30); a time repeated in autumn is its first occurrence.
    """
    local = datetime.combine(day, at, tzinfo=tz)
    return local.astimezone(UTC)


def next_send(after, *, every, at, zone, weekday=0, day=1):
    """The first send strictly after the aware datetime `after`."""
    tz = _zone(zone)
    today = after.astimezone(tz).date()
    for offset in range(0, 63):
        candidate = today + timedelta(days=offset)
        if _due_on(candidate, every=every, weekday=weekday, day_of_month=day):
            moment = wall_clock(candidate, at, tz)
            if moment > after:
                return moment
    raise ValueError(f"no send within two months for {every!r}")  # cannot happen for valid rules


def _zone(value):
    return zone(value) if isinstance(value, str) else value


def period_range(period, moment, zone_name):
    """(start, end) dates, inclusive, that `period` covers for a send at `moment`, by the calendar of the zone."""
    today = moment.astimezone(_zone(zone_name)).date()
    if period == "last-7-days":
        return today - timedelta(days=7), today - timedelta(days=1)
    if period == "last-30-days":
        return today - timedelta(days=30), today - timedelta(days=1)
    if period == "last-month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if period == "month-to-date":
        return today.replace(day=1), today
    raise ValueError(f"unknown period {period!r}: choose last-7-days, last-30-days, last-month or month-to-date")


def parse_every(text):
    """--every: daily, weekly:MON (a weekday) or monthly:N (1–31) -> (every, weekday, day)."""
    kind, _sep, arg = (text or "").strip().partition(":")
    kind = kind.lower()
    if kind == "daily" and not arg:
        return "daily", 0, 1
    if kind == "weekly" and arg.upper()[:3] in WEEKDAY_CODES:
        return "weekly", WEEKDAY_CODES.index(arg.upper()[:3]), 1
    if kind == "monthly" and arg.isdigit() and 1 <= int(arg) <= 31:
        return "monthly", 0, int(arg)
    raise ValueError(f"--every {text!r}: use daily, weekly:MON (MON…SUN) or monthly:N (N from 1 to 31)")
