"""Local days, weeks and months of the UTC hour rollups, summed by the database (SQLite and MariaDB).

The display zone's offset is fixed over spans of UTC hours between its transitions (one span in UTC or Asia/Kolkata,
two a year in America/New_York): within a span, the local day an hour starts on is the date of the hour shifted by
the span's offset, which the database groups by. Each group of hours is then placed in its bucket by its first and
last hour (a bucket is the span between two of `reports.periods.bucket_starts`), so the buckets are exactly those of
the hours' positions whatever the zone; a group that would straddle two buckets makes `usage_in_sql` give up (None: the
caller sums the hours itself). An hour that a bucket boundary or the period's start or end splits (a day starting at
18:30 UTC in Kolkata) is left out of the groups and summed from its minutes, on each side of the boundary, by the
database too.
"""

from bisect import bisect_right
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from django.db.models import Case, Count, Func, IntegerField, Max, Min, Sum, Value, When

from ingest.vendors.mls.models import MlsRecord, MlsRollup
from ingest.vendors.mls.storage import minute_stats
from reports.heatmap import heatmap_of

HOUR = timedelta(hours=1)
LAST_MINUTE = timedelta(minutes=59)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
METRICS = ["used", "prepaid", "metered"]
STATS = [f"{m}_{s}" for m in METRICS for s in ("min", "max", "sum")]
MAX_SPLIT = 10_000  # split hours listed in one statement at most (SQLite allows 32,766 parameters)


class Shifted(Func):
    """A UTC datetime column shifted by a fixed number of seconds (a zone's offset), as an integer natively on SQLite
    and MariaDB: its day ("day": days since 0001-01-01, a Monday) or its hour of the week ("week_hour": 0 is Monday
    00:00, 167 Sunday 23:00). Integers group faster than dates or text; both are exact for whole-second instants."""

    SECONDS = {  # seconds since 0001-01-01 00:00 UTC
        "sqlite": "CAST(ROUND((julianday({x}) - 1721425.5) * 86400) AS INTEGER)",
        "mysql": "(TO_SECONDS({x}) - 31622400)",  # TO_SECONDS('0001-01-01'); faster than TIMESTAMPDIFF
    }
    PARTS = {"day": "({s} + %s) {div} 86400", "week_hour": "(({s} + %s) {div} 3600) {mod} 168"}

    def __init__(self, expression, seconds, part):
        super().__init__(expression, output_field=IntegerField())
        self.seconds, self.part = int(seconds), part

    def _sql(self, compiler, vendor, div, mod):
        sql, params = compiler.compile(self.source_expressions[0])
        seconds = self.SECONDS[vendor].format(x=sql)
        return self.PARTS[self.part].format(s=seconds, div=div, mod=mod), (*params, self.seconds)

    def as_sqlite(self, compiler, connection, **extra):
        return self._sql(compiler, "sqlite", "/", "%%")  # integer division of integers

    def as_mysql(self, compiler, connection, **extra):
        return self._sql(compiler, "mysql", "DIV", "MOD")


def offset_spans(start, end, zone):
    """[(first hour, end, offset in seconds)]: the UTC hours from the one `start` falls in to `end`, in spans over
    which `zone`'s offset at each hour's start is the same. The offset is probed each day, and a change found
    to its hour; two changes within a day would go unseen (no zone has them), and only cost a fallback."""

    def offset(n):
        return int((EPOCH + n * HOUR).astimezone(zone).utcoffset().total_seconds())

    first, last = (start - EPOCH) // HOUR, -((EPOCH - end) // HOUR)  # the hour `start` is in; `end` rounded up
    spans, begin, current, n = [], first, offset(first), first
    while n < last:
        probe = min(n + 24, last)
        if offset(probe) == current:
            n = probe
            continue
        low, high = n, probe  # offset(low) == current != offset(high)
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if offset(middle) == current else (low, middle)
        spans.append((EPOCH + begin * HOUR, EPOCH + high * HOUR, current))
        begin, current, n = high, offset(high), high
    spans.append((EPOCH + begin * HOUR, EPOCH + last * HOUR, current))
    return spans


def usage_in_sql(supervisor, start, end, starts, zone):
    """{bucket start (UTC): {"samples", STATS...}} of the supervisor's minutes in [start, end), each bucket the
    span from one of `starts` (reports.periods.bucket_starts) to the next; None where the hours' groups do not
    fall within single buckets."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    cuts = sorted({s for s in starts if start < s < end} | {start, end})
    split = {}  # hour -> the boundary inside it
    for cut in cuts:
        hour = _floor_hour(cut)
        if hour < cut <= hour + LAST_MINUTE:
            split.setdefault(hour, []).append(cut)
    if len(split) > MAX_SPLIT:
        return None
    buckets = defaultdict(lambda: {"samples": 0})
    hours = MlsRollup.objects.filter(supervisor=supervisor, granularity="hour")
    if split:
        hours = hours.exclude(bucket__in=sorted(split))
    for first, stop, seconds in offset_spans(start, end, zone):
        groups = (
            hours.filter(bucket__gte=max(first, start), bucket__lt=min(stop, end))  # one range: the index's
            .values(day=Shifted("bucket", seconds, "day"))
            .annotate(first=Min("bucket"), last=Max("bucket"), **hour_stats())
            .order_by()
        )
        for g in groups:
            i = bisect_right(starts, g["first"]) - 1
            if i < 0 or i != bisect_right(starts, g["last"]) - 1:
                return None
            add(buckets[starts[i]], g["samples"], *(g[s] for s in STATS))
    if not _split_minutes(supervisor, split, start, end, starts, buckets):
        return None
    return buckets


def _split_minutes(supervisor, split, start, end, starts, buckets):
    """Add the minutes of each split hour to the buckets on each side of its boundary (False where two boundaries
    fall inside one hour)."""
    by_times = defaultdict(list)  # (hour of day, time of the boundary): [UTC dates]
    for hour, cut in split.items():
        if len(cut) > 1:
            return False
        by_times[hour.time(), cut[0].time()].append(hour.date())
    for (hour_time, cut_time), days in by_times.items():
        last = (datetime.combine(EPOCH.date(), hour_time) + LAST_MINUTE).time()
        for i in range(0, len(days), 1000):
            records = (
                MlsRecord.objects.filter(
                    supervisor=supervisor, ts_date__in=days[i : i + 1000], ts_time__gte=hour_time, ts_time__lte=last
                )
                .values("ts_date", late=Case(When(ts_time__gte=cut_time, then=Value(1)), default=Value(0)))
                .annotate(**minute_stats())
                .order_by()
            )
            for r in records:
                hour = datetime.combine(r["ts_date"], hour_time, tzinfo=UTC)
                moment = datetime.combine(r["ts_date"], cut_time, tzinfo=UTC) if r["late"] else hour
                if start <= moment < end:
                    i_bucket = bisect_right(starts, moment) - 1
                    add(buckets[starts[i_bucket]], r["samples"], *(r[s] for s in STATS))
    return True


def hour_stats():
    """The aggregates of a group of hour rollups, named as their columns (for `.annotate`)."""
    stats = {"samples": Sum("samples")}
    for m in METRICS:
        stats |= {f"{m}_min": Min(f"{m}_min"), f"{m}_max": Max(f"{m}_max"), f"{m}_sum": Sum(f"{m}_sum")}
    return stats


def add(bucket, samples, *stats):
    """Fold [min, max, sum] x 3 of `samples` minutes into a bucket."""
    first = bucket["samples"] == 0
    bucket["samples"] += samples
    for i, m in enumerate(METRICS):
        low, high, total = stats[3 * i : 3 * i + 3]
        bucket[f"{m}_min"] = low if first else min(bucket[f"{m}_min"], low)
        bucket[f"{m}_max"] = high if first else max(bucket[f"{m}_max"], high)
        bucket[f"{m}_sum"] = bucket.get(f"{m}_sum", 0) + total


def _floor_hour(moment):
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def weekday_hours_in_sql(supervisor, start, end, zone):
    """reports.heatmap.weekday_hours of the used peaks of the supervisor's UTC hours starting in [start, end): each
    counted in the local weekday and hour it starts in, grouped by the database."""
    sums, counts = [[0] * 24 for _ in range(7)], [[0] * 24 for _ in range(7)]
    hours = MlsRollup.objects.filter(supervisor=supervisor, granularity="hour")
    minute = None
    for first, stop, seconds in offset_spans(start, end, zone):
        cells = (
            hours.filter(bucket__gte=max(first, start), bucket__lt=min(stop, end))
            .values(cell=Shifted("bucket", seconds, "week_hour"))
            .annotate(total=Sum("used_max"), n=Count("used_max"))
            .order_by()
        )
        for c in cells:
            sums[c["cell"] // 24][c["cell"] % 24] += c["total"]
            counts[c["cell"] // 24][c["cell"] % 24] += c["n"]
            minute = seconds % 3600 // 60 if minute is None else minute
    return heatmap_of(sums, counts, minute)
