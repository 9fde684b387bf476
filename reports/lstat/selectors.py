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
def lstat_servers(*, features=True):
    """Every license server with its features (unless `features` is False: the home card shows only their count),
    their count and the last day with data."""
    servers = (
        LstatServer.objects.select_related("source")
        .annotate(feature_count=Count("features", distinct=True))
        .order_by("name", "source__name")
    )
    if features:
        servers = servers.prefetch_related("features")
    last_days = _last_days()
    return [
        {"server": s, "features": s.features.all() if features else None, "last": _date(last_days.get(s.pk))}
        for s in servers
    ]


@cached(by_kind("lstat"))
def _last_days():
    """{server pk: the label of its last day row}: a scan of every day row, read again only after a fetch."""
    rows = (
        LstatUsage.objects.filter(granularity="day").values_list("feature__server").annotate(last=Max("period_label"))
    )
    return dict(rows.order_by())


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


@cached(by_kind("lstat"))
def lstat_latest_day_of_all():
    """`lstat_latest_day` of every feature (the comparison's form): a scan of every row, read again after a fetch."""
    return lstat_latest_day(LstatFeature.objects.all())


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
    """Every feature on its server for the overview: total seats, used peak and average, denials, hours, merged
    from its days (`day_summaries`, kept by reports/overview/summaries.py)."""
    from reports.overview.summaries import apply, period_figures
    from reports.overview.things import LicensedThing, links

    figures = period_figures("lstat", period)
    things, url = [], links("reports:lstat_feature", start=period.start, end=period.end)
    for feature in LstatFeature.objects.select_related("server").order_by("name", "version", "pk"):
        thing = LicensedThing(
            kind="lstat", key=f"{feature.source_id}:{feature.fid}", source_id=feature.source_id,
            name=f"{feature}", server=feature.server.name if feature.server else "", url=url(feature.pk),
        )  # fmt: skip
        things.append(apply(thing, figures.get(thing.key)))
    return things


def day_summaries(source, first=None, last=None, keys=None):
    """The overview's DaySummary of each feature of `source` (those `keys` names, "source:fid", or all) on each
    local day of the display zone from `first` to `last` (None: from its first row, through its last), a hundred
    features' rows at a time.

    A row falls on the local day its period starts on. A day's peak is its rows' highest; its average and denials
    are its day rows' (preferred: a period with day rows reads its average and denials from them), or its hour
    rows' where it has no day row; right-sizing reads its hour rows, or counts a day with only a day row as 24
    hours at that day's peak (an upper bound); owned is the total seats of its latest row.
    """
    from datetime import timedelta

    zone = timezone.get_current_timezone()  # once, not for each of a feature's hours
    usage = LstatUsage.objects.filter(granularity__in=["day", "hour"])
    if first is not None:
        usage = usage.filter(period_start__gte=timezone.make_aware(datetime.combine(first, time()), zone))
    if last is not None:
        end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time()), zone)
        usage = usage.filter(period_start__lt=end)
    features = LstatFeature.objects.filter(source=source)
    if keys is not None:
        features = features.filter(fid__in=[int(k.split(":", 1)[1]) for k in keys if k.startswith(f"{source.pk}:")])
    fids = dict(features.order_by("pk").values_list("pk", "fid"))
    batch = list(fids)
    for i in range(0, len(batch), 100):
        yield from _day_summaries(source, usage.filter(feature__in=batch[i : i + 100]), fids, zone)


def _day_summaries(source, usage, fids, zone):
    from collections import Counter, defaultdict

    from reports.overview.summaries import DaySummary

    rows = defaultdict(lambda: ([], []))  # (feature pk, day): (day rows, hour rows)
    fields = ("feature_id", "granularity", "period_start", "used_max", "used_avg", "denials", "total_seats")
    for feature, granularity, day, *row in _usage_values(usage.order_by("period_start").values_list(*fields), zone):
        rows[(feature, day)][granularity == "hour"].append(row)
    for (feature, day), (days, hours) in rows.items():
        counted = days or hours
        latest = max(days + hours, key=lambda r: r[0])  # a day row before an hour row of the same start
        if hours:
            by_seats = Counter(r[1] for r in hours)
        else:
            by_seats = Counter()
            for r in days:
                by_seats[r[1]] += 24
        yield DaySummary(
            source_id=source.pk, key=f"{source.pk}:{fids[feature]}", day=day, peak=max(r[1] for r in days + hours),
            used_sum=sum(r[2] for r in counted), used_count=len(counted), denials=sum(r[3] for r in counted),
            preferred=bool(days), hours=by_seats, owned=latest[4],
        )  # fmt: skip


def _usage_values(query, zone):
    """The `values_list` query's rows as (feature, granularity, local day in `zone`, period_start, ...), period_start
    read as the database backend's converter reads it, once for each distinct value (a page of 50 features' hours
    repeats each period 50 times). The other fields (integers, floats, text) take no converter."""
    from django.db import connections

    connection = connections[query.db]
    convert = connection.ops.convert_datetimefield_value
    field = LstatUsage._meta.get_field("period_start")
    starts = {}
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    for feature, granularity, start, *rest in fetched:
        read = starts.get(start)
        if read is None:
            moment = convert(start, field, connection)
            read = starts[start] = (moment.astimezone(zone).date(), moment)
        yield (feature, granularity, *read, *rest)


@cached(by_kind("lstat"))
def weekly_peaks(windows, keys):
    """{"source:fid": the peak of each window, None where it has no rows} of the features `keys` names.

    For the forecast (reports/overview/forecast.py): hour and day rows, each in the window its start falls in,
    merged from their days (the windows hold whole local days).
    """
    from reports.overview.summaries import weekly_peaks as from_days

    return from_days("lstat", windows, keys)


def licensed_keys():
    """The key of every feature stored, as `licensed_things` gives them."""
    return {f"{source}:{fid}" for source, fid in LstatFeature.objects.values_list("source_id", "fid")}
