"""The overview's day summaries (reports/overview/summaries.py) against the figures computed from the raw rows.

In the display zone the suite runs in (`make test`: UTC on MariaDB, America/New_York and Asia/Kolkata on SQLite),
over data that spans New York's DST changes; kept up to date by the pages a fetch stores, for the days they
touched only; never read in a zone they were not built in.
"""

import json
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ingest.models import IngestRun, Source
from ingest.services import run_fetch, source_save
from ingest.vendors.lstat.models import LstatFeature, LstatUsage
from reports.lstat.selectors import licensed_things, weekly_peaks
from reports.overview.models import SummaryBuild, ThingDay
from reports.overview.things import seats_covering
from reports.periods import Period

pytestmark = pytest.mark.django_db


def raw_figures(period):
    """{key: (owned, peak, average, denials, trend, hours)} of every feature with rows in the period, from its hour
    and day rows: the overview's computation before the summaries, kept here as the ground truth."""
    zone = timezone.get_current_timezone()
    rows = defaultdict(lambda: {"day": [], "hour": []})
    usage = LstatUsage.objects.filter(period_start__gte=period.start_dt, period_start__lt=period.end_dt)
    fields = ("feature__source_id", "feature__fid", "granularity", "period_start", "used_max", "used_avg", "denials")
    for source_id, fid, granularity, *row in usage.order_by("period_start").values_list(*fields, "total_seats"):
        rows[f"{source_id}:{fid}"][granularity].append(row)
    out = {}
    for key, both in rows.items():
        days, hours = both["day"], both["hour"]
        summary = days or hours
        peaks = defaultdict(float)
        for r in days + hours:
            day = r[0].astimezone(zone).date()
            peaks[day] = max(peaks[day], r[1])
        by_seats = Counter(r[1] for r in hours)
        hour_days = {r[0].astimezone(zone).date() for r in hours}
        for r in days:
            if r[0].astimezone(zone).date() not in hour_days:
                by_seats[r[1]] += 24
        out[key] = (
            max(days + hours, key=lambda r: r[0])[4],
            max(r[1] for r in days + hours),
            round(sum(r[2] for r in summary) / len(summary), 2),
            sum(r[3] for r in summary),
            [peaks[d] for d in sorted(peaks)],
            by_seats,
        )
    return out


def shown(period):
    """The same figures as the overview's License Statistics things give them (from the day summaries)."""
    return {
        t.key: (t.vendor_owned, t.peak, t.average, t.denials, t.trend, t.hours)
        for t in licensed_things.uncached(period)
        if t.peak is not None
    }


def raw_window_peaks(windows):
    peaks = {}
    for source_id, fid, start, used in LstatUsage.objects.values_list(
        "feature__source_id", "feature__fid", "period_start", "used_max"
    ):
        for i, (first, end) in enumerate(windows):
            if first <= start < end:
                weeks = peaks.setdefault(f"{source_id}:{fid}", [None] * len(windows))
                weeks[i] = used if weeks[i] is None else max(weeks[i], used)
    return peaks


def midnight(day):
    return timezone.make_aware(datetime.combine(day, time()), timezone.get_current_timezone())


def local_day(moment):
    return moment.astimezone(timezone.get_current_timezone()).date()


@pytest.fixture(params=[(date(2026, 3, 8), "UTC"), (date(2026, 11, 1), "UTC"), (date(2026, 3, 8), "America/New_York")])
def dst_source(request, sim, db):
    """License Statistics' rows of the days around a DST change of New York (2026-03-08: 23 hours, 2026-11-01: 25),
    the hours of all of them; the source's own zone UTC or New York. Fetched at noon UTC of the day after."""
    from zoneinfo import ZoneInfo

    day, zone = request.param
    simulator = sim.simulators["lstat"]
    simulator.zone = ZoneInfo(zone)
    simulator.start = datetime.combine(day - timedelta(days=2), time(), tzinfo=simulator.zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(12), tzinfo=UTC)
    simulator.fixed_end = end
    params = {"history_start": (day - timedelta(days=2)).isoformat(), "hourly_days": "4", "page_size": "1000"}
    params |= {"timezone": zone, "snapshots": "none"}
    source = source_save(kind="lstat", name="dst", base_url=sim.url("lstat"), token="demo-token", params=params)
    with time_machine.travel(end, tick=False):
        assert run_fetch(source).status == IngestRun.Status.SUCCEEDED
        yield source, day


def periods_around(day):
    """Each local day from two days before `day` to the day after, and all of them together."""
    days = [day + timedelta(days=n) for n in range(-3, 3)]
    return [Period(d, d, "day") for d in days] + [Period(days[0], days[-1], "day")]


def test_the_figures_from_day_summaries_equal_those_from_the_raw_rows(dst_source):
    source, day = dst_source
    assert SummaryBuild.objects.get(source=source).zone == timezone.get_current_timezone_name()
    assert ThingDay.objects.filter(source=source).count() >= 5 * 4  # read from the summaries, not computed

    for period in periods_around(day):
        assert shown(period) == raw_figures(period), period
    assert len(shown(Period(day, day, "day"))) == 5


def test_the_overview_page_shows_the_figures_of_the_raw_rows(viewer, dst_source):
    source, day = dst_source
    period = Period(day - timedelta(days=3), day + timedelta(days=2), "day")

    rows = viewer.get(reverse("reports:home"), {"start": period.start, "end": period.end}).context["rows"]

    raw = raw_figures(period)
    assert {r.thing.key: (r.thing.peak, r.thing.average, r.thing.denials) for r in rows} == {
        key: figures[1:4] for key, figures in raw.items()
    }
    assert {r.thing.key: r.needed for r in rows} == {key: seats_covering(f[5], 99)[0] for key, f in raw.items()}


def test_the_forecasts_weekly_peaks_from_day_summaries_equal_those_of_the_raw_rows(dst_source):
    source, day = dst_source
    days = [day + timedelta(days=n) for n in range(-3, 3)]
    windows = [(midnight(d), midnight(d + timedelta(days=1))) for d in days]  # one local day each
    keys = sorted(raw_window_peaks(windows))

    assert weekly_peaks.uncached(windows, keys) == raw_window_peaks(windows)  # a thing's page: its keys read
    many = keys + [f"{source.pk}:{n}" for n in range(1000, 1100)]  # the overview's: every day read, then picked
    assert weekly_peaks.uncached(windows, many) == raw_window_peaks(windows)
    assert len(keys) == 5


def test_the_overview_reads_the_stored_summaries(lstat_fetched):
    period = Period(date(2026, 3, 1), date(2026, 3, 4), "day")
    row = ThingDay.objects.filter(source=lstat_fetched, day__gte=period.start).order_by("key", "day").first()
    ThingDay.objects.filter(pk=row.pk).update(peak=999)

    assert shown(period)[row.key][1] == 999


def hours(thing_day):
    return sum(json.loads(thing_day.hours)[1::2])


def summaries(source):
    return {(d.key, d.day): d for d in ThingDay.objects.filter(source=source)}


def test_a_fetch_that_stores_rows_rebuilds_only_the_days_it_touched(viewer, sim, lstat_clock, lstat_fetched):
    before = summaries(lstat_fetched)
    period = Period(date(2026, 3, 1), date(2026, 3, 5), "day")
    page_before = viewer.get(reverse("reports:home"), {"start": period.start, "end": period.end}).context["rows"]
    sim.simulators["lstat"].fixed_end += timedelta(hours=3)
    lstat_clock.shift(timedelta(hours=3))

    assert run_fetch(lstat_fetched).status == IngestRun.Status.SUCCEEDED

    # the repeat run re-reads today's (UTC) day row and today's hours up to now: those local days only
    touched = {local_day(datetime(2026, 3, 4, tzinfo=UTC)), local_day(timezone.now())}
    after = summaries(lstat_fetched)
    assert set(after) == set(before)
    assert {d for (key, d), row in after.items() if row.pk != before[(key, d)].pk} == touched
    for (key, d), row in after.items():
        if d not in touched:
            old = before[(key, d)]
            assert (row.peak, row.used_sum, row.used_count, row.hours) == (
                old.peak,
                old.used_sum,
                old.used_count,
                old.hours,
            )
    now = (min(after)[0], local_day(timezone.now()))
    assert hours(after[now]) == hours(before[now]) + 3  # three more hours
    assert shown(period) == raw_figures(period)
    page = viewer.get(reverse("reports:home"), {"start": period.start, "end": period.end}).context["rows"]
    assert {r.thing.key: r.thing.hours for r in page} == {key: f[5] for key, f in raw_figures(period).items()}
    assert {r.thing.key: r.thing.hours for r in page} != {r.thing.key: r.thing.hours for r in page_before}


def other_zone():
    return "Asia/Kolkata" if timezone.get_current_timezone_name() == "America/New_York" else "America/New_York"


def test_summaries_of_another_zone_are_never_read_and_the_command_rebuilds_them(lstat_fetched, settings):
    old = {(d.key, d.day): d.peak for d in ThingDay.objects.all()}
    settings.TIME_ZONE = other_zone()
    period = Period(date(2026, 3, 1), date(2026, 3, 4), "day")

    assert shown(period) == raw_figures(period)  # computed from the rows: the stored days are another zone's
    assert {(d.key, d.day): d.peak for d in ThingDay.objects.all()} == old

    call_command("rebuild_summaries", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert SummaryBuild.objects.get(source=lstat_fetched).zone == settings.TIME_ZONE
    assert shown(period) == raw_figures(period)
    first = ThingDay.objects.order_by("day").first()
    assert first.day == local_day(LstatUsage.objects.order_by("period_start").first().period_start)


def test_a_fetch_after_a_zone_change_rebuilds_every_day_in_the_new_zone(sim, lstat_clock, lstat_fetched, settings):
    settings.TIME_ZONE = other_zone()
    sim.simulators["lstat"].fixed_end += timedelta(hours=2)
    lstat_clock.shift(timedelta(hours=2))

    assert run_fetch(lstat_fetched).status == IngestRun.Status.SUCCEEDED

    assert SummaryBuild.objects.get(source=lstat_fetched).zone == settings.TIME_ZONE
    days = set(ThingDay.objects.values_list("day", flat=True))
    assert days == {local_day(start) for start in LstatUsage.objects.values_list("period_start", flat=True)}
    period = Period(date(2026, 2, 28), date(2026, 3, 5), "day")
    assert shown(period) == raw_figures(period)


def test_after_an_edit_no_fetch_made_the_summaries_are_not_read_until_a_fetch_rebuilds_them(
    sim, lstat_clock, lstat_fetched
):
    period = Period(date(2026, 3, 1), date(2026, 3, 4), "day")
    ThingDay.objects.filter(source=lstat_fetched).update(peak=999)  # stale, as if rows had changed under them
    assert {figures[1] for figures in shown(period).values()} == {999}
    feature = LstatFeature.objects.filter(source=lstat_fetched).first()
    feature.name = "renamed"
    feature.save()  # an admin's edit: the source's data version moves without a fetched page

    assert shown(period) == raw_figures(period)  # computed from the rows
    sim.simulators["lstat"].fixed_end += timedelta(hours=1)
    lstat_clock.shift(timedelta(hours=1))
    assert run_fetch(lstat_fetched).status == IngestRun.Status.SUCCEEDED

    assert not ThingDay.objects.filter(peak=999).exists()  # every day rebuilt, not only the fetched ones
    assert (
        SummaryBuild.objects.get(source=lstat_fetched).data_version
        == Source.objects.get(pk=lstat_fetched.pk).data_version
    )
    assert shown(period) == raw_figures(period)


def test_a_vendor_of_its_own_folder_keeps_day_summaries_as_its_registry_record_declares(tally_fetched):
    """The test vendor (tests/tally) declares `summaries`: its figures merged from its days equal its hours'."""
    from tests.tally.models import TallyCount
    from tests.tally.selectors import licensed_things as tally_things

    assert ThingDay.objects.filter(kind="tally").exists()
    zone = timezone.get_current_timezone()
    for period in (
        Period(date(2026, 3, 3), date(2026, 3, 4), "day"),
        Period(date(2026, 3, 4), date(2026, 3, 4), "day"),
    ):
        counts = {}
        for c in TallyCount.objects.filter(hour__gte=period.start_dt, hour__lt=period.end_dt).order_by("hour"):
            counts.setdefault(f"{c.source_id}:{c.counter}", []).append(c)
        expected = {}
        for key, mine in counts.items():
            peaks = defaultdict(float)
            for c in mine:
                peaks[c.hour.astimezone(zone).date()] = max(peaks[c.hour.astimezone(zone).date()], c.used)
            used = [c.used for c in mine]
            trend = [peaks[d] for d in sorted(peaks)]
            expected[key] = (mine[-1].seats, max(used), round(sum(used) / len(used), 2), trend, Counter(used))
        got = {t.key: (t.vendor_owned, t.peak, t.average, t.trend, t.hours) for t in tally_things.uncached(period)}
        assert got == expected, period
