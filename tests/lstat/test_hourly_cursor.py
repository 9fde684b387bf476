"""License Statistics' hourly cursor: a repeat run re-reads only the days that can still change, and never skips an
hour that was open when it was last read (License Statistics' own zone is set explicitly here, so these tests check
nothing the display zone changes: see ZONE_FREE)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ingest.models import Cursor, IngestRun
from ingest.services import run_fetch, source_save
from ingest.vendors.lstat.models import LstatUsage

pytestmark = pytest.mark.django_db


def hourly_requests(simulator, since=0):
    """(sd, ed) of each hourly request series (its first page) since the `since`th request."""
    requests = list(simulator.requests)[since:]
    return [(q["sd"], q["ed"]) for path, q in requests if q.get("granularity") == "6" and q.get("offset") == "0"]


def test_the_cursor_is_the_last_complete_hour_and_a_repeat_run_reads_only_today(sim, lstat_clock, lstat_source):
    simulator = sim.simulators["lstat"]
    run_fetch(lstat_source)  # at 12:00 UTC: the hours up to 10:00 are complete, 11:00 may still be written

    assert Cursor.objects.get(source=lstat_source, key="hour:server:1").value == "2026-03-04T10:00:00+00:00"
    assert hourly_requests(simulator) == [("2026-03-03", "2026-03-04")] * 2  # the first run: the whole window
    seen = len(simulator.requests)
    simulator.fixed_end += timedelta(hours=3)
    lstat_clock.shift(timedelta(hours=3))

    again = run_fetch(lstat_source)

    assert again.status == IngestRun.Status.SUCCEEDED, again.error
    assert hourly_requests(simulator, seen) == [("2026-03-04", "2026-03-04")] * 2  # yesterday is settled
    assert Cursor.objects.get(source=lstat_source, key="hour:server:1").value == "2026-03-04T13:00:00+00:00"
    assert LstatUsage.objects.filter(granularity="hour").count() == 5 * (24 + 16)


def test_a_wider_window_reads_the_days_no_run_has_read(sim, lstat_clock, lstat_source):
    simulator = sim.simulators["lstat"]
    run_fetch(lstat_source)
    seen = len(simulator.requests)
    lstat_source.params = {**lstat_source.params, "hourly_days": "3"}
    lstat_source.save()

    run_fetch(lstat_source)

    assert hourly_requests(simulator, seen) == [("2026-03-02", "2026-03-04")] * 2
    assert LstatUsage.objects.filter(granularity="hour", period_label__startswith="2026-03-02").count() == 5 * 24


def run_times(zone, day):
    """Local moments around `day`'s midnights and, where `zone` has one that day, its DST change: each run's now."""
    before, after = day - timedelta(days=1), day + timedelta(days=1)
    local = [
        (before, time(22, 40)), (before, time(23, 35)), (day, time(0, 20)), (day, time(1, 30)),
        (day, time(1, 30, fold=1)), (day, time(3, 30)), (day, time(23, 40)), (after, time(0, 25)), (after, time(2, 5)),
    ]  # fmt: skip
    moments = {datetime.combine(d, t, tzinfo=ZoneInfo(zone)).astimezone(UTC) for d, t in local}
    return sorted(moments)


@pytest.mark.parametrize(
    "zone, day",
    [
        ("UTC", date(2026, 3, 8)),
        ("Asia/Kolkata", date(2026, 3, 8)),
        ("America/New_York", date(2026, 3, 8)),  # 02:00 to 03:00 is skipped: a 23-hour day
        ("America/New_York", date(2026, 11, 1)),  # 01:00 comes twice: a 25-hour day
    ],
)
def test_runs_across_midnight_and_dst_store_every_hour_complete_and_once(sim, db, zone, day):
    """Every hour open at one run is complete after a later one: the stored rows equal a single late fetch's."""
    simulator = sim.simulators["lstat"]
    simulator.zone = ZoneInfo(zone)
    simulator.start = datetime.combine(day - timedelta(days=2), time(), tzinfo=simulator.zone).astimezone(UTC)
    params = {"history_start": (day - timedelta(days=2)).isoformat(), "hourly_days": "2", "page_size": "1000"}
    params |= {"timezone": zone, "snapshots": "none"}
    source = source_save(kind="lstat", name="often", base_url=sim.url("lstat"), token="demo-token", params=params)
    times = run_times(zone, day)
    for moment in times:
        simulator.fixed_end = moment
        with time_machine.travel(moment, tick=True):
            assert run_fetch(source).status == IngestRun.Status.SUCCEEDED
    # one fetch long after the last run, of every hour from the first run's window on: what should be stored
    simulator.fixed_end = times[-1]
    late = source_save(kind="lstat", name="late", base_url=sim.url("lstat"), token="demo-token", params=params)
    with time_machine.travel(times[-1] + timedelta(hours=3), tick=True):
        late.params = {**params, "hourly_days": "5"}
        late.save()
        assert run_fetch(late).status == IngestRun.Status.SUCCEEDED

    def hours(src):
        rows = LstatUsage.objects.filter(feature__source=src, granularity="hour")
        fields = ("feature__fid", "period_start", "period_label", "used_max", "used_avg", "hours_used", "denials")
        return sorted(rows.values_list(*fields))

    first_window = datetime.combine(day - timedelta(days=2), time(), tzinfo=simulator.zone)
    expected = [row for row in hours(late) if row[1] >= first_window]
    assert hours(source) == expected
    # every local hour of the DST day: 23 in spring; the simulator writes one 01:00 row for the two in autumn
    hours_a_day = 23 if (zone, day.month) == ("America/New_York", 3) else 24
    assert sum(1 for row in expected if row[0] == 11 and row[2].startswith(day.isoformat())) == hours_a_day
