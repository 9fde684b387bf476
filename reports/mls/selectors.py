"""PipelineFX MLS supervisors: usage per bucket, built from the UTC hour rollups in the display zone.

Days, weeks and months are the display zone's (TIME_ZONE): a New York day runs
from midnight to midnight in New York, 23 or 25 hours long at DST changes. They
are built from the hour rollups; an hour that a bucket boundary or the period's
start or end splits (a day starting at 18:30 UTC in Asia/Kolkata) is read from
its minutes instead, so every bucket holds exactly its own minutes. Without
office hours the database sums them (below: "In the database"); with them, or
where that gives up, this module does. Hour buckets are UTC hours, those
starting in the period, labelled with their local start (10:30 in Kolkata).
"""

from bisect import bisect_right
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from django.db.models import Case, Count, Func, IntegerField, Max, Min, OuterRef, Q, Subquery, Sum, Value, When
from django.utils import timezone

from dashboard.tables import Pair
from ingest.vendors.mls.models import MlsRecord, MlsRollup, MlsSupervisor
from ingest.vendors.mls.storage import minute_stats
from reports.cache import by_kind, cached
from reports.charts.base import Trend, day_ends
from reports.heatmap import heatmap_of
from reports.periods import bucket_start, bucket_starts

MLS_METRICS = ["used", "prepaid", "metered"]
HOUR = timedelta(hours=1)
LAST_MINUTE = timedelta(minutes=59)
ROLLUP_FIELDS = ["bucket", "samples"] + [f"{m}_{s}" for m in MLS_METRICS for s in ("min", "max", "sum")]


def mls_supervisors():
    """Every supervisor with data: MAC, source, first and last hour with minutes."""
    hours = MlsRollup.objects.filter(supervisor=OuterRef("pk"), granularity="hour").order_by()
    return (
        MlsSupervisor.objects.select_related("source")
        .annotate(
            first=Subquery(hours.order_by("bucket").values("bucket")[:1]),
            last=Subquery(hours.order_by("-bucket").values("bucket")[:1]),
        )
        .filter(last__isnull=False)
    )


def mls_supervisor(mac):
    return MlsSupervisor.objects.filter(macaddress=mac).select_related("source").first()


def mls_latest_day(supervisor):
    """The local day of the supervisor's last minute."""
    last = MlsRollup.objects.filter(supervisor=supervisor, granularity="hour").aggregate(last=Max("bucket"))["last"]
    return timezone.localtime(last + LAST_MINUTE).date() if last else timezone.localdate()


@cached(lambda supervisor, period, office=None: {"pk": supervisor.source_id})
def mls_usage(supervisor, period, office=None):
    """Rows of min/avg/max used, prepaid and metered licenses per bucket of the period, in the display zone.

    With `office` (dashboard.office_hours.OfficeHours) only the minutes in office hours count: an hour wholly
    inside them is read from its rollup, one they split from its minutes, one wholly outside not at all.
    """
    granularity, start, end = period.granularity, period.start_dt, period.end_dt
    zone = timezone.get_current_timezone()
    if office is None and granularity != "hour":  # summed by the database: a tenth of the time at ten years
        summed = usage_in_sql(supervisor, start, end, bucket_starts(start, end, granularity), zone)
        if summed is not None:
            return [_row(key, summed[key]) for key in sorted(summed)]
    hours = MlsRollup.objects.filter(
        supervisor=supervisor, granularity="hour", bucket__gt=start - HOUR, bucket__lt=end
    ).order_by("bucket")
    buckets = defaultdict(lambda: {"samples": 0})
    split, stored = [], hours.values_list(*ROLLUP_FIELDS).iterator(chunk_size=2000)
    if granularity == "hour":  # UTC hours, labelled with their local start; never shifted onto a local hour
        for hour, *stats in stored:
            inside = True if office is None else office.covers(hour, zone)
            if hour >= start and inside:
                add(buckets[hour], *stats)
            elif hour >= start and inside is None:
                split.append(hour)
        bucket_of = _utc_hour
    else:
        starts = bucket_starts(start, end, granularity)  # walked alongside the sorted hours
        i = 0
        for hour, *stats in stored:
            while hour >= starts[i + 1]:
                i += 1
            inside = True if office is None else office.covers(hour, zone)
            if hour < max(starts[i], start) or hour + LAST_MINUTE >= min(starts[i + 1], end) or inside is None:
                split.append(hour)  # a boundary (of a bucket, the period or office hours) falls inside this UTC hour
            elif inside:
                add(buckets[starts[i]], *stats)
        bucket_of = lambda moment: bucket_start(moment, granularity).astimezone(UTC)  # noqa: E731
    for moment, used, prepaid, metered in _minutes(supervisor, split):
        if start <= moment < end and (office is None or office.contains(moment.astimezone(zone))):
            stats = (used, used, used, prepaid, prepaid, prepaid, metered, metered, metered)
            add(buckets[bucket_of(moment)], 1, *stats)
    return [_row(key, buckets[key]) for key in sorted(buckets)]


def mls_chart_usage(supervisor, period, chart, rows, office=None):
    """The usage rows a chart of the `chart` period draws, `rows` being the table's (`mls_usage` of `period`): those
    rows, or where they are days, them merged into the chart's weeks or months (which hold whole local days)."""
    if chart.granularity == period.granularity:
        return rows
    if period.granularity != "day":
        return mls_usage(supervisor, chart, office)
    starts = bucket_starts(chart.start_dt, chart.end_dt, chart.granularity)
    merged = defaultdict(lambda: {"samples": 0})
    for row in rows:
        key = starts[bisect_right(starts, row["bucket"].astimezone(UTC)) - 1]
        add(merged[key], row["samples"], *(row[f"{m}_{s}"] for m in MLS_METRICS for s in ("min", "max", "sum")))
    return [_row(key, merged[key]) for key in sorted(merged)]


def _utc_hour(moment):
    return moment.replace(minute=0, second=0, microsecond=0)


def _minutes(supervisor, hours):
    """(UTC instant, used, prepaid, metered) of every minute in these UTC hours."""
    if not hours:
        return []
    by_time = defaultdict(list)  # the same UTC hour of day, on many days: one range per hour of day
    for hour in hours:
        by_time[hour.time()].append(hour.date())
    match = Q()
    for time_of_day, days in by_time.items():
        last = (datetime.combine(date.min, time_of_day) + LAST_MINUTE).time()
        match |= Q(ts_date__in=days, ts_time__gte=time_of_day, ts_time__lte=last)
    records = MlsRecord.objects.filter(match, supervisor=supervisor).values_list(
        "ts_date", "ts_time", "lic_used", "lic_prepaid", "lic_metered"
    )
    return [(datetime.combine(d, t, tzinfo=UTC), u, p, m) for d, t, u, p, m in records]


def _row(key, b):
    row = {"bucket": timezone.localtime(key), "samples": b["samples"]}
    for m in MLS_METRICS:
        row[f"{m}_sum"] = b[f"{m}_sum"]
        row[f"{m}_min"] = b[f"{m}_min"]
        row[f"{m}_avg"] = round(b[f"{m}_sum"] / b["samples"], 2)
        row[f"{m}_max"] = b[f"{m}_max"]
    return row


def mls_bucket_note(period):
    """What the buckets are, where the display zone's offset is not a whole number of hours."""
    offset = timezone.localtime(period.start_dt).utcoffset()
    if period.granularity != "hour" or offset.total_seconds() % 3600 == 0:
        return ""
    return (
        f"Hour buckets are UTC hours: in {timezone.get_current_timezone_name()} they start at "
        f":{int(offset.total_seconds() % 3600 // 60):02d} past each hour."
    )


@cached(lambda supervisor, period: {"pk": supervisor.source_id})
def mls_heatmap(supervisor, period):
    """The mean hourly peak of used licenses per local weekday and hour, from the UTC hours starting in the period."""
    zone = timezone.get_current_timezone()
    return weekday_hours_in_sql(supervisor, period.start_dt.astimezone(UTC), period.end_dt.astimezone(UTC), zone)


def mls_raw_minutes(supervisor, start, end, office=None):
    """Every stored minute of the supervisor from `start` (inclusive) to `end` (exclusive), oldest first; with
    `office`, only those in office hours."""
    zone = timezone.get_current_timezone()
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    after_start = Q(ts_date__gt=start.date()) | Q(ts_date=start.date(), ts_time__gte=start.time())
    before_end = Q(ts_date__lt=end.date()) | Q(ts_date=end.date(), ts_time__lt=end.time())
    records = MlsRecord.objects.filter(after_start, before_end, supervisor=supervisor).order_by("ts_date", "ts_time")
    fields = ("ts_date", "ts_time", "lic_used", "lic_prepaid", "lic_metered", "record_id")
    for d, t, used, prepaid, metered, record_id in records.values_list(*fields).iterator(chunk_size=5000):
        moment = datetime.combine(d, t, tzinfo=UTC)
        if office is not None and not office.contains(moment.astimezone(zone)):
            continue
        yield {
            "time": moment,
            "used": used,
            "prepaid": prepaid,
            "metered": metered,
            "record_id": record_id,
        }


MLS_RAW_COLUMNS = [
    ("time", "Time"),
    ("used", "Used"),
    ("prepaid", "Prepaid"),
    ("metered", "Metered"),
    Pair("record_id", "MLS id", "id"),
]


def mls_summary(rows):
    """The period's peak and average, weighted by minutes."""
    if not rows:
        return None
    minutes = sum(r["samples"] for r in rows)
    summary = {"minutes": minutes}
    for m in MLS_METRICS:
        summary[f"{m}_peak"] = max(r[f"{m}_max"] for r in rows)
        summary[f"{m}_avg"] = round(sum(r[f"{m}_sum"] for r in rows) / minutes, 2)
    return summary


MLS_COLUMNS = [
    ("bucket", "Period start"),
    ("samples", "Minutes"),
    ("used_min", "Used min"), ("used_avg", "Used avg"), ("used_max", "Used max"),
    ("prepaid_min", "Prepaid min"), ("prepaid_avg", "Prepaid avg"), ("prepaid_max", "Prepaid max"),
    ("metered_min", "Metered min"), ("metered_avg", "Metered avg"), ("metered_max", "Metered max"),
]  # fmt: skip


# Owned prepaid licenses: the highest lic_prepaid over this window before a supervisor's last hour in the period.
# MLS's document leaves open whether lic_prepaid is the prepaid capacity or the prepaid licenses in use; under
# either reading its highest value over a month is the capacity (in use, it reaches the capacity whenever use
# runs into metered licenses), and never falls with the time of day the overview is read at.
OWNED_WINDOW = timedelta(days=30)


@cached(by_kind("mls"))
def licensed_things(period):
    """Every supervisor for the overview: prepaid licenses owned, used peak and average, metered use, hour by UTC hour.

    Hours are the UTC hours starting in the period; owned is the highest prepaid count of the OWNED_WINDOW before
    the last of them (hours before the period count towards it).
    """
    from reports.overview.things import LicensedThing, daily_peaks, link

    hours, prepaid = defaultdict(list), defaultdict(list)
    since = period.start_dt - OWNED_WINDOW  # the window of the period's first hours reaches back before it
    rollups = MlsRollup.objects.filter(granularity="hour", bucket__gte=since, bucket__lt=period.end_dt)
    fields = ("supervisor_id", "bucket", "samples", "used_max", "used_sum", "prepaid_max", "metered_max", "metered_sum")
    for row in rollups.order_by("bucket").values_list(*fields):
        prepaid[row[0]].append((row[1], row[5]))
        if row[1] >= period.start_dt:
            hours[row[0]].append(row[1:])
    things = []
    for supervisor in mls_supervisors():
        mine = hours.get(supervisor.pk, [])
        thing = LicensedThing(
            kind="mls", key=supervisor.macaddress, name=f"Supervisor {supervisor.macaddress}",
            source_id=supervisor.source_id,
            url=link("reports:mls_supervisor", supervisor.macaddress, start=period.start, end=period.end),
        )  # fmt: skip
        if mine:
            last = mine[-1][0]
            thing.vendor_owned = max(p for bucket, p in prepaid[supervisor.pk] if bucket > last - OWNED_WINDOW)
            thing.peak = max(h[2] for h in mine)
            thing.average = round(sum(h[3] for h in mine) / sum(h[1] for h in mine), 2)
            thing.trend = Trend(daily_peaks((h[0], h[2]) for h in mine), ends=day_ends(last))
            thing.hours.update(h[2] for h in mine)
            thing.metered = [(h[1], h[6], h[5]) for h in mine if h[6]]
        things.append(thing)
    return things


@cached(by_kind("mls"))
def weekly_peaks(windows, keys):
    """{MAC address: the peak of each window, None where it has no hours} of the supervisors `keys` name.

    For the forecast (reports/overview/forecast.py): an hour rollup counts in the window its UTC hour starts in.
    """
    from reports.overview.forecast import week_number

    rows = (
        MlsRollup.objects.filter(
            granularity="hour", bucket__gte=windows[0][0], bucket__lt=windows[-1][1], supervisor__macaddress__in=keys
        )
        .annotate(week=week_number("bucket", windows))
        .values("supervisor__macaddress", "week")
        .annotate(peak=Max("used_max"))
        .order_by()
    )
    peaks = {}
    for row in rows:
        peaks.setdefault(row["supervisor__macaddress"], [None] * len(windows))[row["week"]] = row["peak"]
    return peaks


def licensed_keys():
    """The key of every supervisor stored, as `licensed_things` gives them."""
    return set(MlsSupervisor.objects.values_list("macaddress", flat=True))


# --- In the database ------------------------------------------------------------------------------------------
# Local days, weeks and months of the UTC hour rollups, summed by the database (SQLite and MariaDB).
#
# The display zone's offset is fixed over spans of UTC hours between its transitions (one span in UTC or Asia/Kolkata,
# two a year in America/New_York): within a span, the local day an hour starts on is the date of the hour shifted by
# the span's offset, which the database groups by. Each group of hours is then placed in its bucket by its first and
# last hour (a bucket is the span between two of `reports.periods.bucket_starts`), so the buckets are exactly those of
# the hours' positions whatever the zone; a group that would straddle two buckets makes `usage_in_sql` give up (None: the
# caller sums the hours itself). An hour that a bucket boundary or the period's start or end splits (a day starting at
# 18:30 UTC in Kolkata) is left out of the groups and summed from its minutes, on each side of the boundary, by the
# database too.

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
STATS = [f"{m}_{s}" for m in MLS_METRICS for s in ("min", "max", "sum")]
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
    for m in MLS_METRICS:
        stats |= {f"{m}_min": Min(f"{m}_min"), f"{m}_max": Max(f"{m}_max"), f"{m}_sum": Sum(f"{m}_sum")}
    return stats


def add(bucket, samples, *stats):
    """Fold [min, max, sum] x 3 of `samples` minutes into a bucket."""
    first = bucket["samples"] == 0
    bucket["samples"] += samples
    for i, m in enumerate(MLS_METRICS):
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
