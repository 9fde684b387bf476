"""Day summaries: each licensed thing's usage per local day, kept as its rows are stored, for the overview.

A vendor that declares `summaries` gives `day_summaries(source, first, last, keys=None)` in its selectors: the
`DaySummary`s of the source's things (those `keys` names, or all) on the local days `first` to `last` of the
display zone, computed from its rows. They are stored as `ThingDay` rows:

- as rows are stored: every page that stores rows sends `page_stored` inside its transaction (ingest/vendors/base.py),
  and the days of the rows it says it stored (`Page.touched`) are rebuilt there, so the summaries never differ
  from the committed rows;
- by `manage.py rebuild_summaries` (all of them, e.g. after TIME_ZONE changed, or for data stored before them).

Each source's `SummaryBuild` names the zone its rows were built in and the source's data version they reflect. A
source whose summaries are missing, of another zone, or behind a change no page made (an admin's edit of its rows)
is read from its rows at each view instead (`computed`), until a page of its next fetch rebuilds all of its days
(in its transaction) or the command runs: a zone change never shows another zone's days.

A period's figures merge its days (`merge`): the peak is the highest, the average Σ used_sum / Σ used_count, the
denials and the hours by units in use the sums, the trend each day's peak and the owned figure the latest
reading. Where any day of the period is `preferred` (read from the vendor's preferred rows), the average and
denials come from those days only.
"""

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ingest.vendors import BY_KIND, VENDORS
from reports.charts.base import Trend

log = logging.getLogger(__name__)

BATCH = 2000  # rows per bulk insert


@dataclass
class DaySummary:
    """One thing's usage on one local day, as a vendor computes it from its rows."""

    source_id: int
    key: str
    day: date
    peak: float
    used_sum: float
    used_count: float
    denials: int | None = None
    preferred: bool = False
    hours: Counter = field(default_factory=Counter)  # {units in use: hours at that peak}
    owned: float | None = None  # the vendor's owned figure: its latest reading of the day


@dataclass
class Figures:
    """A thing's figures over a period, merged from its days."""

    peak: float
    average: float
    denials: int | None
    trend: list  # the peak of each day with data, oldest first
    ends: date  # the last of those days
    hours: Counter
    owned: float | None


def summarised(kind):
    vendor = BY_KIND.get(kind)
    return vendor is not None and vendor.summaries


def zone_name():
    return timezone.get_current_timezone_name()


def local_day(moment, zone=None):
    return moment.astimezone(zone or timezone.get_current_timezone()).date()


def _number(value):
    """A whole float as an int, as the vendors' rows hold most figures."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def flat_hours(hours):
    """{units: hours} as stored: [units, hours, units, hours, ...] by units (one flat list decodes fastest)."""
    return [x for pair in sorted(hours.items()) for x in pair]


# --- reading ------------------------------------------------------------------------------------------------
# A day as the merge reads it (its hours beside it, as `flat_hours`).
DAY_FIELDS = ("key", "peak", "used_sum", "used_count", "denials", "preferred", "owned", "day")


def sources_of(kind):
    """([pk of each source of `kind` whose summaries are of the current zone and data version], [the others])."""
    from ingest.models import Source
    from reports.overview.models import SummaryBuild

    sources = list(Source.objects.filter(kind=kind).order_by("pk"))
    builds = SummaryBuild.objects.filter(source__in=sources, zone=zone_name())
    versions = dict(builds.values_list("source_id", "data_version"))
    built = [s for s in sources if versions.get(s.pk) == s.data_version]
    return [s.pk for s in built], [s for s in sources if s not in built]


def stored(kind, built, first, last):
    """The stored ThingDays of the sources `built` from local day `first` to `last`."""
    from reports.overview.models import ThingDay

    return ThingDay.objects.filter(kind=kind, source__in=built, day__gte=first, day__lte=last)


def period_days(kind, period):
    """{key: ([day, ...], [its hours, ...]) oldest first} of every source of `kind` over the period's local days
    (days as DAY_FIELDS, hours as `flat_hours`): the stored rows of sources built in the current zone, the others'
    computed from their rows."""
    built, others = sources_of(kind)
    days = {}
    if built:
        # in day order, as the (kind, day) index reads them: no sort of the period's rows in the database
        by_key = {}
        for row in stored(kind, built, period.start, period.end).order_by("day").values_list(*DAY_FIELDS, "hours"):
            by_key.setdefault(row[0], []).append(row)
        for key, group in by_key.items():
            days[key] = (group, json.loads("[" + ",".join(r[-1] for r in group) + "]"))  # one decode per thing
    for source in others:
        for s in sorted(computed(source, period.start, period.end), key=lambda s: (s.key, s.day)):
            day = (s.key, s.peak, s.used_sum, s.used_count, s.denials, s.preferred, s.owned, s.day)
            mine = days.setdefault(s.key, ([], []))
            mine[0].append(day)
            mine[1].append(flat_hours(s.hours))
    return days


def computed(source, first, last, keys=None):
    """The vendor's DaySummaries of `source` from its rows (not stored)."""
    return import_string(BY_KIND[source.kind].day_summaries)(source, first, last, keys)


def merge(days, hours_of_days):
    """The Figures of a period from its days (DAY_FIELDS) and their hours (`flat_hours`), oldest first (None when
    there are none). The hours' units keep the type the vendor gave them."""
    if not days:
        return None
    counted = [d for d in days if d[5]] or days  # the preferred days, where there are any
    count = sum(d[3] for d in counted)
    denials = [d[4] for d in counted if d[4] is not None]
    hours = Counter()
    for flat in hours_of_days:
        pairs = iter(flat)
        for seats, n in zip(pairs, pairs, strict=True):
            hours[seats] += n
    owned = [d[6] for d in days if d[6] is not None]
    return Figures(
        peak=_number(max(d[1] for d in days)),
        average=round(sum(d[2] for d in counted) / count, 2) if count else None,
        denials=sum(denials) if denials else None,
        trend=[d[1] for d in days],  # drawn only (the sparkline): floats as stored
        hours=hours,
        owned=_number(owned[-1]) if owned else None,  # the latest day's latest reading
        ends=days[-1][7],
    )


def period_figures(kind, period):
    """{key: Figures} of every thing of `kind` with data in the period."""
    return {key: merge(*both) for key, both in period_days(kind, period).items()}


def apply(thing, figures):
    """Set a LicensedThing's figures from its merged days (nothing where it has none)."""
    if figures is None:
        return thing
    thing.vendor_owned, thing.peak, thing.average = figures.owned, figures.peak, figures.average
    thing.denials, thing.hours = figures.denials, figures.hours
    thing.trend = Trend(figures.trend, ends=figures.ends)  # its last day may still be running
    return thing


def weekly_peaks(kind, windows, keys):
    """{key: the peak of each window, None where it has no days} of the things `keys` names: windows that start
    and end at local midnights (reports/overview/forecast.py's week_windows) hold whole local days."""
    zone = timezone.get_current_timezone()
    bounds = [(local_day(start, zone), local_day(end, zone)) for start, end in windows]
    built, others = sources_of(kind)
    wanted, peaks = set(keys), {}

    def add(key, week, peak):
        if key in wanted and week is not None:
            weeks = peaks.setdefault(key, [None] * len(windows))
            weeks[week] = _number(peak) if weeks[week] is None else max(weeks[week], _number(peak))

    week_of_day = {}
    for i, (start, end) in enumerate(bounds):
        for n in range((end - start).days):
            week_of_day[start + timedelta(days=n)] = i
    if built:
        rows = stored(kind, built, bounds[0][0], bounds[-1][1] - timedelta(days=1))
        if len(wanted) <= 100:  # a thing's own page: its days only (the overview asks for every thing's)
            rows = rows.filter(key__in=wanted)
        for key, day, peak in rows.values_list("key", "day", "peak").order_by():
            add(key, week_of_day.get(day), peak)
    for source in others:
        for s in computed(source, bounds[0][0], bounds[-1][1] - timedelta(days=1)):
            add(s.key, week_of_day.get(s.day), s.peak)
    return peaks


# --- keeping them -------------------------------------------------------------------------------------------
def rebuild(source, first=None, last=None, keys=None):
    """Store the source's ThingDays of the local days `first` to `last` (None: every day it has rows of) of the
    things `keys` names (None: all), from its rows; returns how many were stored."""
    from reports.overview.models import ThingDay

    rows = ThingDay.objects.filter(source=source)
    if first is not None:
        rows = rows.filter(day__gte=first)
    if last is not None:
        rows = rows.filter(day__lte=last)
    stored = 0
    with transaction.atomic():
        if keys is None:
            rows.delete()
        else:
            for i in range(0, len(keys), 500):
                rows.filter(key__in=keys[i : i + 500]).delete()
        batch = []
        for s in computed(source, first, last, keys):
            batch.append(_row(source, s))
            if len(batch) >= BATCH:
                stored += _store(batch)
                batch = []
        stored += _store(batch)
    return stored


ROW_COLUMNS = [
    "source",
    "kind",
    "key",
    "day",
    "peak",
    "used_sum",
    "used_count",
    "denials",
    "preferred",
    "hours",
    "owned",
]


def _row(source, s):
    hours = json.dumps(flat_hours(s.hours))
    return (
        source.pk,
        source.kind,
        s.key,
        s.day,
        s.peak,
        s.used_sum,
        s.used_count,
        s.denials,
        s.preferred,
        hours,
        s.owned,
    )


def _store(rows):
    """Insert ThingDay rows (ROW_COLUMNS tuples) as fetched pages are: one multi-row statement, no model objects."""
    from ingest.db import upsert
    from reports.overview.models import ThingDay

    upsert(ThingDay, ROW_COLUMNS, rows, keys=["source", "kind", "key", "day"])
    return len(rows)


def rebuild_source(source):
    """Every day of the source, in the current zone, and its SummaryBuild saying so."""
    from reports.overview.models import SummaryBuild

    with transaction.atomic():
        stored = rebuild(source)
        defaults = {"zone": zone_name(), "data_version": _version(source), "built_at": timezone.now()}
        SummaryBuild.objects.update_or_create(source=source, defaults=defaults)
    return stored


def _version(source):
    from ingest.models import Source

    return Source.objects.filter(pk=source.pk).values_list("data_version", flat=True).get()


def rebuild_all(log_line=None):
    """Every summarised source's days (`manage.py rebuild_summaries`); [(source, rows stored), ...]."""
    from ingest.models import Source

    done = []
    kinds = [v.kind for v in VENDORS if v.summaries]
    for source in Source.objects.filter(kind__in=kinds).order_by("pk"):
        stored = rebuild_source(source)
        done.append((source, stored))
        if log_line:
            log_line(f"{source.name}: {stored:,} day summaries in {zone_name()}")
    return done


def on_page_stored(sender, source, spans, **kwargs):
    """A page stored rows: rebuild the days its spans fall on, in the page's transaction, and say the summaries
    reflect the source's data version now. Where they are missing, of another zone, or behind a change of the
    data that no page made (an edit), all of the source's days are rebuilt first."""
    from reports.overview.models import SummaryBuild

    if not summarised(source.kind):
        return
    build = SummaryBuild.objects.filter(source=source).first()
    version = _version(source)
    if build is None or build.zone != zone_name() or build.data_version != version - 1:
        if build is not None:
            log.warning("Rebuilding the day summaries of %s in %s (built in %s at data version %s, now %s)",
                        source, zone_name(), build.zone, build.data_version, version)  # fmt: skip
        rebuild_source(source)
        return
    zone = timezone.get_current_timezone()
    for first, last, keys in spans:
        rebuild(source, local_day(first, zone), local_day(last, zone), keys)
    SummaryBuild.objects.filter(source=source).update(data_version=version)
