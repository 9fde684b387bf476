"""PipelineFX MLS supervisors: usage per bucket, built from the UTC hour rollups in the display zone.

Days, weeks and months are the display zone's (TIME_ZONE): a New York day runs
from midnight to midnight in New York, 23 or 25 hours long at DST changes. They
are built from the hour rollups; an hour that a bucket boundary or the period's
start or end splits (a day starting at 18:30 UTC in Asia/Kolkata) is read from
its minutes instead, so every bucket holds exactly its own minutes. Without
office hours the database sums them (reports/mls/buckets.py); with them, or
where that gives up, this module does. Hour buckets are UTC hours, those
starting in the period, labelled with their local start (10:30 in Kolkata).
"""

from bisect import bisect_right
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone

from dashboard.tables import Pair
from ingest.vendors.mls.models import MlsRecord, MlsRollup, MlsSupervisor
from reports.cache import by_kind, cached
from reports.charts.base import Trend, day_ends
from reports.mls.buckets import add, usage_in_sql, weekday_hours_in_sql
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
