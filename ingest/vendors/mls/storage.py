"""Storing MLS pages: minute records upserted on their natural key, and the hourly rollups of the days they touch.

A source's own zone (the `timezone` parameter) is read into UTC here, against the records stored already.
"""

from collections import Counter
from datetime import UTC, date, datetime
from datetime import time as dtime
from itertools import groupby, pairwise

from django.db.models import Count, Func, IntegerField, Max, Min, Sum

from ingest.db import upsert
from ingest.errors import PayloadError
from ingest.vendors.mls.models import MlsRecord, MlsRollup

RECORD_COLUMNS = ["supervisor", "record_id", "ts_date", "ts_time", "lic_used", "lic_prepaid", "lic_metered"]
RECORD_KEYS = ["supervisor", "ts_date", "ts_time"]
ROLLUP_COLUMNS = [
    "supervisor", "granularity", "bucket", "samples",
    "used_min", "used_max", "used_sum",
    "prepaid_min", "prepaid_max", "prepaid_sum",
    "metered_min", "metered_max", "metered_sum",
]  # fmt: skip
ROLLUP_KEYS = ["supervisor", "granularity", "bucket"]


def store_page(page, supervisor, rows, first_day, last_day):
    """Upsert a page's records (RECORD_COLUMNS order) and refresh the rollups of its days, counting what is new."""
    days = MlsRecord.objects.filter(supervisor=supervisor, ts_date__range=(first_day, last_day))
    before = days.count()
    page.upsert(MlsRecord, RECORD_COLUMNS, rows, keys=RECORD_KEYS, prepared=True)
    after = refresh_rollups(supervisor, rows, first_day, last_day)
    page.tally(created=after - before, updated=len(rows) - (after - before))


def to_utc(rows, zone, supervisor, where):
    """The page's rows with ts_date/ts_time read in `zone` and written in UTC.

    A local time that happens twice (the hour repeated when DST ends) is its
    first occurrence, unless that same local time already came with a lower id,
    in this page or a stored one: then it is the second. A local time that DST
    skips cannot be placed and fails the page, naming the zone to check.
    """
    instants, seen, converted = {}, {}, []
    for row in sorted(rows, key=lambda r: r[1]):  # by MLS id: the order the server wrote them
        key = (row[2], row[3])
        if key not in instants:
            instants[key] = _local_instant(key, zone, where)
        first, second = instants[key]
        moment = first
        if second is not None and (seen.get(key, row[1]) != row[1] or _stored_earlier(supervisor, first, row[1])):
            moment = second
        seen[key] = row[1]
        converted.append((*row[:2], moment.date().isoformat(), moment.time().isoformat(), *row[4:]))
    return converted


def _local_instant(key, zone, where):
    """(UTC instant of the first occurrence, of the second or None) of a local date and time."""
    local = datetime.fromisoformat(f"{key[0]}T{key[1]}").replace(tzinfo=zone)
    first = local.astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise PayloadError(
            f"{where}: {key[0]} {key[1]} does not exist in {zone.key} (the clocks skip it): "
            "check the source's timezone parameter"
        )
    second = local.replace(fold=1).astimezone(UTC)
    return first, (second if second != first else None)


def _stored_earlier(supervisor, first, record_id):
    """Whether a record with a lower id already holds the first occurrence of this local time."""
    return MlsRecord.objects.filter(
        supervisor=supervisor, ts_date=first.date(), ts_time=first.time(), record_id__lt=record_id
    ).exists()


class HourOf(Func):
    """The hour of a time column, natively: SQLite's own ExtractHour is a Python function called per row."""

    function = "HOUR"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(SUBSTR(%(expressions)s, 1, 2) AS INTEGER)", **extra)


def refresh_rollups(supervisor, rows, first_day, last_day):
    """Recompute the hourly rollups (UTC) of every day the page touched, from whole days of minutes;
    return how many minutes those days now hold. Reports build days, weeks and months from these
    hours in the display zone.

    A day whose stored minutes are exactly this page's (the count says so: every
    minute of the page is stored, so equal counts mean nothing else is) is
    summed from the rows in hand; a day shared with another page, or holding a
    late record, is summed by the database.
    """
    keys = [(r[2], r[3]) for r in rows]
    if all(a < b for a, b in pairwise(keys)):  # the usual page: in order, each minute once
        latest = rows
    else:  # sorted, and the row a repeated minute ends up as
        latest = [row for _key, row in sorted(dict(zip(keys, rows, strict=True)).items())]
    in_page = Counter(r[2] for r in latest)
    stored = dict(
        MlsRecord.objects.filter(supervisor=supervisor, ts_date__range=(first_day, last_day))
        .values_list("ts_date")
        .annotate(Count("id"))
        .order_by()
    )
    own = {day for day, n in in_page.items() if stored.get(date.fromisoformat(day)) == n}
    hours = _hours_in_python(r for r in latest if r[2] in own)
    shared = [day for day in in_page if day not in own]
    if shared:
        hours += _hours_in_sql(supervisor, shared)
    hour_rows = [(supervisor.pk, "hour", datetime.combine(day, dtime(hour), tzinfo=UTC), *s) for day, hour, s in hours]
    upsert(MlsRollup, ROLLUP_COLUMNS, hour_rows, keys=ROLLUP_KEYS)
    return sum(stored.values())


def _hours_in_python(rows):
    """(day, hour, stats) of rows sorted by day and time, in ROLLUP_COLUMNS[3:] order."""
    hours = []
    for (day, hour), group in groupby(rows, key=lambda r: (r[2], r[3][:2])):
        _s, _id, _d, _t, used, prepaid, metered = zip(*group, strict=True)
        stats = [len(used)]
        for values in (used, prepaid, metered):
            stats += [min(values), max(values), sum(values)]
        hours.append((date.fromisoformat(day), int(hour), stats))
    return hours


def _hours_in_sql(supervisor, days):
    hours = (
        MlsRecord.objects.filter(supervisor=supervisor, ts_date__in=days)
        .values("ts_date", hour=HourOf("ts_time"))
        .annotate(**minute_stats())
        .order_by()
    )
    return [(h["ts_date"], h["hour"], [h[c] for c in ROLLUP_COLUMNS[3:]]) for h in hours]


def minute_stats():
    """The aggregates of a group of minute records, named as ROLLUP_COLUMNS[3:] (for `.annotate`)."""
    stats = {"samples": Count("id")}
    for m in ("used", "prepaid", "metered"):
        stats |= {f"{m}_min": Min(f"lic_{m}"), f"{m}_max": Max(f"lic_{m}"), f"{m}_sum": Sum(f"lic_{m}")}
    return stats
