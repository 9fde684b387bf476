"""Report periods: granularities, ranges and buckets shared by every report."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

GRANULARITIES = ["hour", "day", "week", "month"]
BUCKET_HOURS = {"hour": 1, "day": 24, "week": 24 * 7, "month": 24 * 31, "quarter": 24 * 92}
# A page's charts never draw more points than this in all, whatever the traces (each trace: MAX_POINTS_PER_TRACE).
MAX_POINTS_PER_PAGE = 20_000


@dataclass(frozen=True)
class Period:
    """A report's date range (whole days, inclusive) and its granularity."""

    start: date
    end: date
    granularity: str
    note: str = ""

    @property
    def start_dt(self):
        return timezone.make_aware(datetime.combine(self.start, time.min), timezone.get_current_timezone())

    @property
    def end_dt(self):
        """Exclusive end: midnight after the last day."""
        return timezone.make_aware(
            datetime.combine(self.end + timedelta(days=1), time.min), timezone.get_current_timezone()
        )

    @property
    def days(self):
        return (self.end - self.start).days + 1


def points(start, end, granularity):
    return int(((end - start).days + 1) * 24 / BUCKET_HOURS[granularity])


def fit_granularity(start, end, requested):
    """The requested granularity, or the finest one that keeps a trace under the point cap."""
    limit = settings.MAX_POINTS_PER_TRACE
    wanted = requested if requested in GRANULARITIES else None
    candidates = GRANULARITIES[GRANULARITIES.index(wanted) :] if wanted else GRANULARITIES
    for granularity in candidates:
        if points(start, end, granularity) <= limit:
            break
    if wanted is None:
        # auto: the finest granularity that stays readable (about 1,000 points at most)
        granularity = next(g for g in GRANULARITIES if points(start, end, g) <= min(limit, 1000))
        return granularity, ""
    if granularity != wanted:
        return granularity, (
            f"{wanted.capitalize()} buckets over {(end - start).days + 1} days would exceed "
            f"{limit:,} points; showing {granularity} buckets."
        )
    return granularity, ""


def chart_period(period, traces, granularities=GRANULARITIES):
    """The period a chart of `traces` traces reads: the report's own, or its range in the finest coarser
    granularity that keeps each trace within MAX_POINTS_PER_TRACE points and the chart within
    MAX_POINTS_PER_PAGE, with a note saying so (no note where it keeps the report's buckets). The page's tables
    and downloads keep the report's buckets."""
    if period.granularity not in granularities:
        return replace(period, note="")
    per_trace = min(settings.MAX_POINTS_PER_TRACE, MAX_POINTS_PER_PAGE // max(traces, 1))
    coarser = granularities[granularities.index(period.granularity) :]
    chosen = next((g for g in coarser if points(period.start, period.end, g) <= per_trace), coarser[-1])
    if chosen == period.granularity:
        return replace(period, note="")
    wanted = points(period.start, period.end, period.granularity) * traces
    note = (
        f"The chart shows {chosen} buckets: {period.granularity} buckets over {(period.end - period.start).days + 1} "
        f"days would draw {wanted:,} points. The table and downloads keep {period.granularity} rows."
    )
    return Period(period.start, period.end, chosen, note)


def bucket_start(moment, granularity, zone=None):
    """Floor an aware datetime (in `zone`, by default the current zone) to its hour, day, week (Monday) or month.

    Loops over many instants pass the zone once: looking up the current zone costs more than the arithmetic.
    """
    local = moment.astimezone(zone or timezone.get_current_timezone())
    if granularity == "hour":
        return local.replace(minute=0, second=0, microsecond=0)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def next_bucket(bucket, granularity, zone=None):
    """The start of the bucket after `bucket` (local time in `zone`, by default the current zone; DST-safe)."""
    zone = zone or timezone.get_current_timezone()
    if granularity == "hour":
        return (bucket.astimezone(UTC) + timedelta(hours=1)).astimezone(zone)
    day = bucket.date()
    if granularity == "month":
        following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    else:
        following = day + timedelta(days=7 if granularity == "week" else 1)
    return timezone.make_aware(datetime.combine(following, time.min), zone)


def bucket_starts(start, end, granularity):
    """The UTC instants at which the buckets covering [start, end) begin, then the first one at or after `end`."""
    zone = timezone.get_current_timezone()
    bucket, starts = bucket_start(start, granularity, zone), []
    while True:
        starts.append(bucket.astimezone(UTC))
        if bucket >= end:
            return starts
        bucket = next_bucket(bucket, granularity, zone)
