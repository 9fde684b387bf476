"""X-Formation License Statistics: usage history per feature, per server, compared; current and highest users.

Usage is stored per hour (the recent window) and per day (the long history);
week, month and quarter are built here from day rows, as MLS builds week and
month. An hourly row is shown at its own instant in the display zone (TIME_ZONE);
a daily row is a date of the source's zone and is shown on that date, whatever
the display zone, so day rows are selected and bucketed by their date
(`period_label`, YYYY-MM-DD), never by the instant its day began. A bucket's minimum is the least of its rows' minimums, its maximum the
greatest maximum, its average the mean of its rows' averages, its denials and
hours used the sums, and its total the largest total of the period.
"""

from datetime import date, datetime, time

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from dashboard.privacy.names import SHOWN, personal
from dashboard.tables import Pair
from ingest.models import Source
from ingest.vendors.lstat.models import LstatFeature, LstatServer, LstatSession, LstatSnapshot, LstatTopUser, LstatUsage
from reports.cache import by_kind, cached
from reports.charts.base import Trend, day_ends
from reports.heatmap import weekday_hours
from reports.periods import bucket_start

GRANULARITIES = ["hour", "day", "week", "month", "quarter"]

USAGE_COLUMNS = [
    ("feature", "Feature"),
    ("bucket", "Period start"),
    ("used_min", "Used min"), ("used_avg", "Used avg"), ("used_max", "Used max"),
    ("total", "Total seats"),
    Pair("utilization", "Utilization % (max / total)", "percent"),
    ("borrowed_min", "Borrowed min"), ("borrowed_max", "Borrowed max"),
    ("denials", "Denials"),
    ("hours_used", "Hours used"),
]  # fmt: skip

SUMMARY_COLUMNS = [
    ("feature", "Feature"),
    ("version", "Version"),
    ("feature_type", "Type"),
    ("total", "Total seats"),
    ("peak", "Peak used"),
    ("average", "Average used"),
    Pair("utilization", "Utilization % (peak / total)", "percent"),
    ("borrowed_peak", "Peak borrowed"),
    ("denials", "Denials"),
    ("hours_used", "Hours used"),
]

SESSION_COLUMNS = [
    ("server_name", "License server"),
    ("feature", "Feature"),
    ("user", "User"),
    ("host", "Host"),
    ("checked_out_at", "Checked out since"),
    ("licenses", "Licenses"),
    Pair("held_hours", "Held for (hours, to the snapshot)", "decimal"),
]

TOP_USER_COLUMNS = [("rank", "Rank"), ("user", "User"), ("licenses", "Licenses (most held at once)")]


# --- servers and features ---------------------------------------------------------------
def lstat_servers():
    """Every license server with its features, their count and the last day with data."""
    servers = (
        LstatServer.objects.select_related("source")
        .prefetch_related("features")
        .annotate(feature_count=Count("features", distinct=True))
        .order_by("name", "source__name")
    )
    last_days = dict(
        LstatUsage.objects.filter(granularity="day")
        .values_list("feature__server")
        .annotate(last=Max("period_label"))
        .order_by()
    )
    return [{"server": s, "features": s.features.all(), "last": _date(last_days.get(s.pk))} for s in servers]


def _date(label):
    return date.fromisoformat(label) if label else None


def lstat_unplaced_features():
    """Features fetched by id from a License Statistics without a feature list: no server is known."""
    return list(LstatFeature.objects.filter(server=None).select_related("source").order_by("source__name", "fid"))


def lstat_feature_choices():
    """(pk, label) of every feature, for pickers."""
    features = LstatFeature.objects.select_related("server").order_by("server__name", "name", "version")
    return [(f.pk, feature_label(f)) for f in features]


def feature_label(feature):
    """Name, version and server; a feature known only by its id is "feature <fid>"."""
    server = f" ({feature.server})" if feature.server else ""
    return f"{feature} {server}".replace("  ", " ").strip()


def lstat_latest_day(features):
    """The last day with data for these features: a day row's date, an hour's date in the shown zone (or today)."""
    usage = LstatUsage.objects.filter(feature__in=features)
    last_day = _date(usage.filter(granularity="day").aggregate(last=Max("period_label"))["last"])
    last_hour = usage.filter(granularity="hour").aggregate(last=Max("period_start"))["last"]
    days = [d for d in (last_day, last_hour and timezone.localtime(last_hour).date()) if d]
    return max(days) if days else timezone.localdate()


def lstat_first_hour(features):
    return LstatUsage.objects.filter(feature__in=features, granularity="hour").aggregate(f=Min("period_start"))["f"]


# --- when people work, raw rows ---------------------------------------------------------
@cached(lambda feature, period: {"pk": feature.source_id})
def lstat_heatmaps(feature, period):
    """Mean used (hourly max) and total denials per local weekday and hour, from the hourly rows of the period.

    Hourly rows are kept for the recent window only: the heatmaps cover the hours stored in the period.
    """
    hours = LstatUsage.objects.filter(
        feature=feature, granularity="hour", period_start__gte=period.start_dt, period_start__lt=period.end_dt
    ).order_by()
    rows = list(hours.values_list("period_start", "used_max", "denials"))
    used = weekday_hours((start, used) for start, used, _denials in rows)
    denials = weekday_hours(((start, denials) for start, _used, denials in rows), how="sum")
    return used, denials


def lstat_raw_usage(feature, period, office=None):
    """Every stored usage row of the feature in the period, hourly and daily, as License Statistics sent them.

    Hourly rows by their instant, daily rows by their date (as the usage history selects them); with `office`,
    only the hourly rows that lie wholly in office hours (those `lstat_usage` reads).
    """
    if office is not None:
        zone = timezone.get_current_timezone()
        rows = lstat_raw_usage(feature, period)
        return (r for r in rows if r["granularity"] == "hour" and office.covers(r["period_start"], zone) is True)
    in_period = Q(granularity="hour", period_start__gte=period.start_dt, period_start__lt=period.end_dt) | Q(
        granularity="day", period_label__gte=period.start.isoformat(), period_label__lte=period.end.isoformat()
    )
    rows = LstatUsage.objects.filter(in_period, feature=feature).order_by("granularity", "period_start")
    return rows.values(*(key for key, _label in RAW_COLUMNS)).iterator(chunk_size=5000)


RAW_COLUMNS = [
    ("granularity", "Granularity"),
    ("period_start", "Period start"),
    ("period_label", "Period label (as sent)"),
    ("feature_name", "Feature name (as sent)"),
    ("feature_version", "Feature version (as sent)"),
    ("used_min", "Used min"), ("used_avg", "Used avg"), ("used_max", "Used max"),
    ("total_seats", "Total seats"),
    ("borrowed_min", "Borrowed min"), ("borrowed_max", "Borrowed max"),
    ("denials", "Denials"),
    ("hours_used", "Hours used"),
]  # fmt: skip


# --- usage history ----------------------------------------------------------------------
def lstat_bucket(moment, granularity):
    """Floor to the granularity's period start; quarters start in January, April, July, October."""
    if granularity != "quarter":
        return bucket_start(moment, granularity)
    month = bucket_start(moment, "month")
    return month.replace(month=month.month - (month.month - 1) % 3)


def _hour_bucket(row, granularity):
    """An hourly row's bucket: its own start in the shown zone, or the bucket that start falls in."""
    start = timezone.localtime(row["period_start"])
    return start if granularity == "hour" else lstat_bucket(start, granularity)


def _row_bucket(row, granularity):
    """An hourly row's own start in the shown zone (exact in a half-hour zone too); a day row's date's bucket."""
    if granularity == "hour":
        return timezone.localtime(row["period_start"])
    day = timezone.make_aware(datetime.combine(date.fromisoformat(row["period_label"]), time.min))
    return lstat_bucket(day, granularity)


@cached(lambda features, period, office=None: {"pk__in": sorted({f.source_id for f in features})})
def lstat_usage(features, period, office=None):
    """Rows per feature and bucket of the period: used min/avg/max, total, borrowed, denials, hours, utilization.

    With `office` (dashboard.office_hours.OfficeHours), the buckets are built from the hourly rows that lie wholly
    in office hours (License Statistics sends nothing finer, and its day rows hold whole days): hourly rows are
    kept for the recent window only, so earlier buckets have none.
    """
    labels = {f.pk: feature_label(f) for f in features}
    bucket_of, zone = (_row_bucket if office is None else _hour_bucket), timezone.get_current_timezone()
    if office is not None or period.granularity == "hour":
        stored = LstatUsage.objects.filter(
            granularity="hour", period_start__gte=period.start_dt, period_start__lt=period.end_dt
        )
    else:  # a day row's label is its date, YYYY-MM-DD, which sorts as text
        stored = LstatUsage.objects.filter(
            granularity="day", period_label__gte=period.start.isoformat(), period_label__lte=period.end.isoformat()
        )
    stored = stored.filter(feature__in=list(labels)).order_by("feature_id", "period_start")
    buckets = {}
    fields = (
        "used_min",
        "used_avg",
        "used_max",
        "borrowed_min",
        "borrowed_max",
        "denials",
        "hours_used",
        "total_seats",
    )
    picks = (("used_min", min), ("used_max", max), ("borrowed_min", min), ("borrowed_max", max), ("total_seats", max))
    for r in stored.values("feature_id", "period_start", "period_label", *fields).iterator(chunk_size=2000):
        if office is not None and office.covers(r["period_start"], zone) is not True:
            continue  # an hour outside office hours, or one they split: License Statistics has no finer rows
        key = (r["feature_id"], bucket_of(r, period.granularity))
        b = buckets.get(key)
        if b is None:
            buckets[key] = b = {**r, "rows": 0, "used_avg": 0.0, "denials": 0, "hours_used": 0.0}
        b["rows"] += 1
        for name in ("used_avg", "denials", "hours_used"):
            b[name] += r[name]
        for name, pick in picks:
            b[name] = pick(b[name], r[name])
    rows = [{"feature_id": fid, **_usage_row(labels[fid], bucket, b)} for (fid, bucket), b in buckets.items()]
    rows.sort(key=lambda r: (r["feature"], r["bucket"]))
    return rows


def _usage_row(label, bucket, b):
    return {
        "feature": label,
        "bucket": bucket,
        "used_min": b["used_min"],
        "used_avg": round(b["used_avg"] / b["rows"], 2),
        "used_max": b["used_max"],
        "total": b["total_seats"],
        "utilization": utilization(b["used_max"], b["total_seats"]),
        "borrowed_min": b["borrowed_min"],
        "borrowed_max": b["borrowed_max"],
        "denials": b["denials"],
        "hours_used": round(b["hours_used"], 2),
    }


def utilization(peak, total):
    """Peak as a percentage of the seats; None where a feature reports no total (e.g. uncounted)."""
    return round(100 * peak / total, 1) if total else None


def lstat_summary(features, rows):
    """One row per feature over the whole period: peak, average, denials, utilization."""
    by_feature = {}
    for r in rows:
        by_feature.setdefault(r["feature_id"], []).append(r)
    summary = []
    for f in features:
        mine = by_feature.get(f.pk)
        if not mine:
            continue
        peak, total = max(r["used_max"] for r in mine), max(r["total"] for r in mine)
        summary.append({
            "pk": f.pk, "feature": feature_label(f), "version": f.version, "feature_type": f.feature_type, "total": total, "peak": peak,
            "average": round(sum(r["used_avg"] for r in mine) / len(mine), 2),
            "utilization": utilization(peak, total),
            "borrowed_peak": max(r["borrowed_max"] for r in mine),
            "denials": sum(r["denials"] for r in mine),
            "hours_used": round(sum(r["hours_used"] for r in mine), 2),
        })  # fmt: skip
    return summary


# --- snapshots --------------------------------------------------------------------------
def lstat_snapshot_sources(kind):
    return Source.objects.filter(kind="lstat", pk__in=LstatSnapshot.objects.filter(kind=kind).values("source"))


def lstat_snapshot_times(source, kind, limit=500):
    """The latest snapshots of one kind, newest first, for the history picker."""
    return list(LstatSnapshot.objects.filter(source=source, kind=kind).order_by("-taken_at")[:limit])


def lstat_snapshot(source, kind, *, snapshot_id=None, at=None):
    """A chosen snapshot, or the last one taken at or before `at`, or the latest one."""
    snapshots = LstatSnapshot.objects.filter(source=source, kind=kind)
    if snapshot_id:
        return snapshots.filter(pk=snapshot_id).first()
    if at:
        snapshots = snapshots.filter(taken_at__lte=at)
    return snapshots.order_by("-taken_at").first()


def lstat_current_usage(snapshot):
    """The current-usage figures fetched in the same run as a users snapshot, if any were read."""
    return (
        LstatSnapshot.objects.filter(
            source=snapshot.source_id, kind=LstatSnapshot.Kind.CURRENT_USAGE, taken_at=snapshot.taken_at
        )
        .exclude(shape="unrecognised")  # kept raw, no figures
        .first()
    )


def lstat_sessions(snapshot, *, server="", feature="", user="", names=SHOWN):
    """The rows of a users snapshot, filtered as the page asks, with user and host names as `names` shows them
    (a viewer who sees pseudonyms filters by pseudonym: a real name typed in finds nothing)."""
    sessions = LstatSession.objects.filter(snapshot=snapshot)
    if server:
        sessions = sessions.filter(server_name=server)
    if feature:
        sessions = sessions.filter(Q(feature_name__icontains=feature) | Q(feature_version__icontains=feature))
    if user and names.visible:
        sessions = sessions.filter(Q(user__icontains=user) | Q(host__icontains=user))
    fields = ("server_name", "feature_name", "feature_version", "user", "host", "checked_out_at", "licenses")
    rows = names.rows(
        [
            {**s, "feature": f"{s['feature_name']} {s['feature_version']}".strip(), "held_hours": _held(s, snapshot)}
            for s in sessions.order_by("server_name", "feature_name", "user", "host").values(*fields)
        ],
        user="user",
        host="host",
    )
    if names.visible:
        return rows
    # in the pseudonyms' order: the real names' order would tell who is who
    rows.sort(key=lambda r: (r["server_name"], r["feature"], r["user"], r["host"]))
    return [r for r in rows if names.matches(user, r["user"], r["host"])] if user else rows


def _held(session, snapshot):
    """Hours the session had been held when the snapshot was taken (from its checkout time), or None."""
    if session["checked_out_at"] is None:
        return None
    return round(max(0.0, (snapshot.taken_at - session["checked_out_at"]).total_seconds() / 3600), 2)


def lstat_session_servers(snapshot):
    return list(
        LstatSession.objects.filter(snapshot=snapshot)
        .values_list("server_name", flat=True)
        .distinct()
        .order_by("server_name")
    )


@personal(user="user")
def lstat_top_users(snapshot):
    return list(LstatTopUser.objects.filter(snapshot=snapshot).order_by("rank").values("rank", "user", "licenses"))


@cached(by_kind("lstat"))
def licensed_things(period):
    """Every feature on its server for the overview: total seats, used peak and average, denials, hours.

    Day rows give the average and denials (hour rows where a feature has no day rows); right-sizing
    reads hour rows, and a day with only a day row counts as 24 hours at that day's peak (an upper bound).
    """
    from collections import defaultdict

    from reports.overview.things import LicensedThing, daily_peaks, link

    rows = defaultdict(lambda: {"day": [], "hour": []})
    usage = LstatUsage.objects.filter(period_start__gte=period.start_dt, period_start__lt=period.end_dt)
    for feature_id, granularity, *row in usage.order_by("period_start").values_list(
        "feature_id", "granularity", "period_start", "used_max", "used_avg", "denials", "total_seats"
    ):
        rows[feature_id][granularity].append(row)
    things, zone = [], timezone.get_current_timezone()  # once, not for each of a feature's hours
    for feature in LstatFeature.objects.select_related("server").order_by("name", "version", "pk"):
        thing = LicensedThing(
            kind="lstat", key=f"{feature.source_id}:{feature.fid}", source_id=feature.source_id,
            name=f"{feature}", server=feature.server.name if feature.server else "",
            url=link("reports:lstat_feature", feature.pk, start=period.start, end=period.end),
        )  # fmt: skip
        days, hours = rows[feature.pk]["day"], rows[feature.pk]["hour"]
        if days or hours:
            summary = days or hours
            thing.vendor_owned = max(days + hours, key=lambda r: r[0])[4]
            thing.peak = max(r[1] for r in days + hours)
            thing.average = round(sum(r[2] for r in summary) / len(summary), 2)
            thing.denials = sum(r[3] for r in summary)
            last = max(r[0] for r in days + hours)
            thing.trend = Trend(daily_peaks((r[0], r[1]) for r in days + hours), ends=day_ends(last))
            thing.hours.update(r[1] for r in hours)
            hour_days = {r[0].astimezone(zone).date() for r in hours}
            for r in days:
                if r[0].astimezone(zone).date() not in hour_days:
                    thing.hours[r[1]] += 24
        things.append(thing)
    return things


@cached(by_kind("lstat"))
def weekly_peaks(windows, keys):
    """{"source:fid": the peak of each window, None where it has no rows} of the features `keys` name.

    For the forecast (reports/overview/forecast.py): hour and day rows, each in the window its start falls in.
    """
    from reports.overview.forecast import week_number

    wanted = set(keys)
    rows = (
        LstatUsage.objects.filter(
            granularity__in=["hour", "day"], period_start__gte=windows[0][0], period_start__lt=windows[-1][1]
        )
        .annotate(week=week_number("period_start", windows))
        .values("feature__source_id", "feature__fid", "week")
        .annotate(peak=Max("used_max"))
        .order_by()
    )
    peaks = {}
    for row in rows:
        key = f"{row['feature__source_id']}:{row['feature__fid']}"
        if key in wanted:
            peaks.setdefault(key, [None] * len(windows))[row["week"]] = row["peak"]
    return peaks


def licensed_keys():
    """The key of every feature stored, as `licensed_things` gives them."""
    return {f"{source}:{fid}" for source, fid in LstatFeature.objects.values_list("source_id", "fid")}
