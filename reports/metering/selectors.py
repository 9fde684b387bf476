"""Metering service: active hours derived from the created -> destroyed intervals.

Every figure here comes from MeteringInterval, clipped to the report range;
a location that is still active counts up to now. The service's own hourly
summaries are shown beside them, never added up (their windows overlap).
"""

from collections import defaultdict
from datetime import UTC

from django.db.models import Count, Max, Min
from django.utils import timezone

from dashboard.privacy.names import SHOWN, personal
from ingest.vendors.metering.models import (
    MeteringEvent,
    MeteringHourSummary,
    MeteringInterval,
    MeteringLocation,
    MeteringLocationMetadata,
)
from ingest.vendors.metering.storage import END, START
from reports.cache import by_kind, cached
from reports.charts.base import Trend, day_ends
from reports.periods import bucket_start, next_bucket

NONE = "(none)"
GROUPS = {
    "tenant": lambda i: i["tenant"],
    "location": lambda i: i["loc_id"],
    "user": lambda i: i["user"] or NONE,
    "application": lambda i: i["application_id"] or NONE,
}


@cached(by_kind("metering"))
def metering_tenants():
    """Every tenant with events: locations, first and last event, locations active now.

    Read from the locations kept beside the events and the open intervals: never from the events themselves.
    """
    active = dict(
        MeteringInterval.objects.filter(ended_at__isnull=True)
        .values("tenant")
        .annotate(n=Count("loc_id", distinct=True))
        .values_list("tenant", "n")
    )
    rows = (
        MeteringLocation.objects.values("tenant")
        .annotate(locations=Count("loc_id", distinct=True), first=Min("first_event_at"), last=Max("last_event_at"))
        .order_by("tenant")
    )
    return [{**row, "active": active.get(row["tenant"], 0)} for row in rows]


def metering_latest_day(**filters):
    """Today while a location (of the tenant, or this one) is still active, else the day of the last event."""
    if MeteringInterval.objects.filter(ended_at__isnull=True, **filters).exists():
        return timezone.localdate()
    last = MeteringLocation.objects.filter(**filters).aggregate(last=Max("last_event_at"))["last"]
    return timezone.localtime(last).date() if last else timezone.localdate()


def metering_exists(**filters):
    return MeteringLocation.objects.filter(**filters).exists()


@personal(user="user")
@cached(by_kind("metering"), moving=True)
def metering_intervals(period, **filters):
    """Intervals overlapping the period, with `start`/`end` clipped to it and to now."""
    now = timezone.now()
    low, high = period.start_dt, min(period.end_dt, now)  # (start_dt is worked out on each read: read once)
    # Still open, or ended after the start: two index ranges (ended_at IS NULL, ended_at > start) in one
    # UNION, since an OR would read every interval of the tenant or location.
    before_end = MeteringInterval.objects.filter(started_at__lt=high, **filters)
    still_open = before_end.filter(ended_at__isnull=True).values()
    ended_after = before_end.filter(ended_at__gt=low).values()
    rows = []
    for i in still_open.union(ended_after, all=True).order_by("started_at", "loc_id"):
        start, end = max(i["started_at"], low), min(i["ended_at"] or now, high)
        if end > start:
            rows.append({**i, "start": start, "end": end, "hours": hours_between(start, end)})
    return rows


def hours_between(start, end):
    return (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / 3600


def split_hours(start, end, granularity, zone=None):
    """(bucket, hours) pieces of [start, end), cut at the bucket boundaries (of `zone`, by default the current zone)."""
    zone = zone or timezone.get_current_timezone()
    bucket = bucket_start(start, granularity, zone)
    while bucket < end:
        following = next_bucket(bucket, granularity, zone)
        yield bucket, hours_between(max(start, bucket), min(end, following))
        bucket = following


def metering_hours_series(intervals, granularity, by):
    """Rows of {bucket, group, hours}: active hours per bucket and per group (tenant, location, ...)."""
    totals = defaultdict(float)
    key, zone = GROUPS[by], timezone.get_current_timezone()
    for i in intervals:
        for bucket, hours in split_hours(i["start"], i["end"], granularity, zone):
            # keyed by the UTC instant: the two 01:00s of a night that repeats an hour compare equal in local time
            totals[(bucket.astimezone(UTC), key(i))] += hours
    return [{"bucket": b.astimezone(zone), "group": g, "hours": round(h, 2)} for (b, g), h in sorted(totals.items())]


def metering_series(period, granularity, by, *, names=SHOWN, **filters):
    """Active hours per `granularity` bucket and per group of the intervals overlapping the period (the pages' series),
    the groups by user named as `names` shows them."""
    return _shown_series(_metering_series(period, granularity, by, **filters), by, names)


def _shown_series(series, by, names):
    """A series by user with the users as `names` shows them."""
    if by != "user" or names.visible:
        return series
    # in the pseudonyms' order: the real names' order would tell who is who
    return sorted(names.rows(series, group="user"), key=lambda r: (r["bucket"], r["group"]))


@cached(by_kind("metering"), moving=True)
def _metering_series(period, granularity, by, **filters):
    return metering_hours_series(metering_intervals.uncached(period, **filters), granularity, by)


@cached(by_kind("metering"), moving=True)
def metering_tenant_figures(period, by, tenant, *, names=SHOWN):
    """What the tenant page shows of its intervals in the period, from one read of them and kept as the series
    are: its series (metering_series of the period's granularity by `by`), its locations, users and
    applications (metering_locations, metering_hours_by), its active hours and how many locations are still
    active. Per `names`: users whose pseudonyms are the same make one row."""
    intervals = metering_intervals.uncached(period, tenant=tenant)
    series = _shown_series(metering_hours_series(intervals, period.granularity, by), by, names)
    intervals = names.rows(intervals, user="user")
    return {
        "series": series,
        "locations": metering_locations(intervals),
        "users": metering_hours_by(intervals, "user"),
        "applications": metering_hours_by(intervals, "application"),
        "hours": total_hours(intervals),
        "still_active": len({i["loc_id"] for i in intervals if i["ended_at"] is None}),
    }


@cached(by_kind("metering"), moving=True)
def metering_location_figures(period, tenant, loc_id):
    """What the location page shows of its intervals in the period, from one read of them and kept as the series
    are: its series (by location, the period's granularity), its intervals as table rows (users as stored: a
    page shows them as its viewer may), its active hours and whether it is still active."""
    intervals = metering_intervals.uncached(period, tenant=tenant, loc_id=loc_id)
    return {
        "series": metering_hours_series(intervals, period.granularity, "location"),
        "intervals": metering_interval_rows(intervals),
        "hours": total_hours(intervals),
        "still_active": any(i["ended_at"] is None for i in intervals),
    }


def total_hours(intervals):
    return round(sum(i["hours"] for i in intervals), 2)


def metering_hours_by(intervals, by):
    """One row per group: active hours in the period, intervals, locations, locations still active."""
    groups = {}
    for i in intervals:
        g = groups.setdefault(GROUPS[by](i), {"group": GROUPS[by](i), "hours": 0.0, "periods": 0, "locs": set(), "open": set()})  # fmt: skip
        g["hours"] += i["hours"]
        g["periods"] += 1
        g["locs"].add((i["tenant"], i["loc_id"]))
        if i["ended_at"] is None:
            g["open"].add((i["tenant"], i["loc_id"]))
    rows = [
        {
            "group": g["group"],
            "hours": round(g["hours"], 2),
            "periods": g["periods"],
            "locations": len(g["locs"]),
            "active": len(g["open"]),
        }  # fmt: skip
        for g in groups.values()
    ]
    return sorted(rows, key=lambda r: (-r["hours"], r["group"]))


def metering_locations(intervals):
    """One row per location of a tenant: who, what, hours in the period, first start, last end."""
    locations = {}
    for i in intervals:
        loc = locations.setdefault(i["loc_id"], {"loc_id": i["loc_id"], "amp_id": i["amp_id"], "users": set(), "applications": set(), "hours": 0.0, "periods": 0, "first": i["started_at"], "last": None, "active": "no"})  # fmt: skip
        loc["hours"] += i["hours"]
        loc["periods"] += 1
        loc["users"].add(i["user"] or NONE)
        loc["applications"].add(i["application_id"] or NONE)
        if i["ended_at"] is None:
            loc["active"] = "yes"
        elif loc["last"] is None or i["ended_at"] > loc["last"]:
            loc["last"] = i["ended_at"]
    for loc in locations.values():
        loc.update(users=", ".join(sorted(loc["users"])), applications=", ".join(sorted(loc["applications"])))
        loc.update(hours=round(loc["hours"], 2), last=loc["last"] or "")
    return sorted(locations.values(), key=lambda r: (-r["hours"], r["loc_id"]))


def metering_interval_rows(intervals):
    """The intervals of one location as table rows; an open one has no end."""
    return [
        {
            **i,
            "ended_at": i["ended_at"] or "",
            "hours": round(i["hours"], 2),
            "active": "yes" if i["ended_at"] is None else "no",
        }  # fmt: skip
        for i in intervals
    ]


def metering_location_metadata(tenant, loc_id):
    """Each metadata name's current value (the one first reported last); earlier values stay stored."""
    rows = MeteringLocationMetadata.objects.filter(tenant=tenant, loc_id=loc_id).order_by("name", "first_seen_at")
    latest = {r["name"]: r for r in rows.values("name", "value", "seen_at")}
    return list(latest.values())


def metering_uncounted_states(period, **filters):
    """Events in the period whose state neither opens nor closes an active interval, counted per state."""
    events = MeteringEvent.objects.filter(date__gte=period.start_dt, date__lt=period.end_dt, **filters)
    counts = events.exclude(state__in=[START, END]).values("state").annotate(events=Count("id")).order_by("state")
    return list(counts)


def metering_location(tenant, loc_id, *, names=SHOWN):
    """The location's latest event, which says its AMP, entity, user (as `names` shows it) and application
    (None if unknown)."""
    last = MeteringLocation.objects.filter(tenant=tenant, loc_id=loc_id).aggregate(last=Max("last_event_at"))["last"]
    if last is None:
        return None
    # From its last event's second on: MariaDB would otherwise walk the tenant's events newest first.
    event = MeteringEvent.objects.filter(tenant=tenant, loc_id=loc_id, date__gte=last).order_by("-date").first()
    if event is not None:
        event.user = names.user(event.user)  # shown, never saved
    return event


@personal(user="user")
@cached(by_kind("metering"))
def metering_location_events(tenant, loc_id, period):
    """The location's events in the period, their EVENT_COLUMNS only (the raw answer and metadata stay unread)."""
    events = MeteringEvent.objects.filter(
        tenant=tenant, loc_id=loc_id, date__gte=period.start_dt, date__lt=period.end_dt
    ).order_by("date", "state")
    rows = events.values(*(key for key, _label in EVENT_COLUMNS))
    return [{**e, "user": e["user"] or "", "application_id": e["application_id"] or ""} for e in rows]


@cached(by_kind("metering"))
def metering_location_summaries(tenant, loc_id, period):
    """The service's own hourly summaries for windows overlapping the period, their SUMMARY_COLUMNS only."""
    summaries = MeteringHourSummary.objects.filter(
        tenant=tenant, loc_id=loc_id, window_start__lt=period.end_dt, window_end__gt=period.start_dt
    ).order_by("window_start")
    return [
        {**s, "active_hours": None if s["active_hours"] is None else round(s["active_hours"], 2)}
        for s in summaries.values(*(key for key, _label in SUMMARY_COLUMNS))
    ]


SERIES_COLUMNS = [("bucket", "Period start"), ("group", "Group"), ("hours", "Active hours")]
TENANT_COLUMNS = [("group", "Tenant"), ("hours", "Active hours"), ("locations", "Locations"), ("periods", "Active periods"), ("active", "Still active")]  # fmt: skip
GROUP_COLUMNS = {
    by: [(k, by.capitalize() if k == "group" else label) for k, label in TENANT_COLUMNS]
    for by in ("user", "application")
}
LOCATION_COLUMNS = [
    ("loc_id", "Location"), ("amp_id", "AMP"), ("users", "Users"), ("applications", "Applications"),
    ("hours", "Active hours"), ("periods", "Active periods"), ("first", "First created"), ("last", "Last destroyed"),
    ("active", "Still active"),
]  # fmt: skip
INTERVAL_COLUMNS = [
    ("started_at", "Created"), ("ended_at", "Destroyed"), ("hours", "Active hours in range"), ("active", "Still active"),
    ("user", "User"), ("application_id", "Application"), ("entity_id", "Entity"),
]  # fmt: skip
METADATA_COLUMNS = [("name", "Name"), ("value", "Value"), ("seen_at", "Last reported")]
EVENT_COLUMNS = [
    ("date", "Date"), ("state", "State"), ("user", "User"), ("application_id", "Application"),
    ("entity_id", "Entity"), ("upstream_id", "Service id"),
]  # fmt: skip
SUMMARY_COLUMNS = [("window_start", "Window start"), ("window_end", "Window end"), ("active_hours", "Active hours (service)")]  # fmt: skip


@cached(by_kind("metering"), moving=True)
def licensed_things(period):
    """Every tenant for the overview: locations active at once, hour by hour (UTC hours, up to now).

    An hour's figure is the number of the tenant's locations active at any time in it; the
    average is active hours over the period's hours. The service knows neither owned seats nor denials.
    """
    from datetime import timedelta

    from reports.overview.things import LicensedThing, daily_peaks, link

    now = timezone.now()
    first = period.start_dt.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    last = min(period.end_dt, now)
    locations, active_hours = defaultdict(lambda: defaultdict(set)), defaultdict(float)
    for i in metering_intervals(period):
        tenant = (i["source_id"], i["tenant"])
        active_hours[tenant] += i["hours"]
        hour = i["start"].astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        while hour < i["end"]:
            locations[tenant][hour].add(i["loc_id"])
            hour += timedelta(hours=1)
    period_hours = max(hours_between(period.start_dt, last), 1)
    # from the locations kept beside the events: the overview never scans the events
    tenants = MeteringLocation.objects.values_list("source_id", "tenant").distinct().order_by("tenant", "source_id")
    things = []
    for source_id, tenant in tenants:
        thing = LicensedThing(
            kind="metering", key=f"{source_id}:{tenant}", name=tenant, source_id=source_id,
            url=link("reports:metering_tenant", tenant, start=period.start, end=period.end),
        )  # fmt: skip
        by_hour, hour = locations[(source_id, tenant)], first
        points = []
        while hour < last:
            points.append((hour, len(by_hour.get(hour, ()))))
            hour += timedelta(hours=1)
        if points:
            thing.peak = max(v for _h, v in points)
            thing.average = round(active_hours[(source_id, tenant)] / period_hours, 2)
            thing.trend = Trend(daily_peaks(points), ends=day_ends(points[-1][0]))
            thing.hours.update(v for _h, v in points)
        things.append(thing)
    return things


def weekly_peaks(windows, keys):
    """{"source:tenant": the peak of each window, None before the tenant's first location} of the tenants `keys`
    name: the most locations active in one UTC hour, as the overview counts them.

    For the forecast (reports/overview/forecast.py). Not cached: a location still active counts up to now.
    """
    from datetime import timedelta

    from reports.overview.forecast import week_of
    from reports.periods import Period

    wanted = set(keys)
    first = timezone.localtime(windows[0][0]).date()
    today = timezone.localtime(windows[-1][1]).date() - timedelta(days=1)
    locations = defaultdict(lambda: defaultdict(set))
    for i in metering_intervals(Period(first, today, "hour")):
        key = f"{i['source_id']}:{i['tenant']}"
        if key not in wanted:
            continue
        hour = i["start"].astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        while hour < i["end"]:
            locations[key][hour].add(i["loc_id"])
            hour += timedelta(hours=1)
    peaks = {}
    for key, by_hour in locations.items():
        weeks = peaks.setdefault(key, [None] * len(windows))
        for hour, active in by_hour.items():
            w = week_of(hour, windows)
            if w is not None:
                weeks[w] = max(weeks[w] or 0, len(active))
    return peaks


def metering_tenant_keys(tenant):
    """The overview's keys ("source:tenant") of a tenant, one per source that meters it."""
    sources = MeteringLocation.objects.filter(tenant=tenant).values_list("source_id", flat=True).distinct()
    return [f"{source_id}:{tenant}" for source_id in sorted(sources)]


def licensed_keys():
    """The key of every tenant stored, as `licensed_things` gives them."""
    rows = MeteringLocation.objects.values_list("source_id", "tenant").distinct()
    return {f"{source}:{tenant}" for source, tenant in rows.order_by()}
