"""Daily peaks and averages are the display zone's days, computed from the minutes the supervisor reported.

The simulator's history runs over the US change to summer time (Sunday 8 March 2026,
a 23-hour day in New York); Asia/Kolkata's days start at 18:30 UTC, inside an hour.
The expected figures are computed here from the simulator's own minutes.
"""

import csv
import io
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import timezone

from dashboard.tables import cell
from ingest.services import run_fetch, source_save
from ingest.simulators.server import SimulatorServer
from tests.conftest import MAC_A

pytestmark = pytest.mark.django_db

END = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
DAYS = ["2026-03-07", "2026-03-08", "2026-03-09"]
URL = f"/mls/{MAC_A}/"


@pytest.fixture
def dst_sim():
    server = SimulatorServer(options={"mls": {"history_days": 4, "end": END}}, kinds=["mls"]).start()
    yield server
    server.stop()


@pytest.fixture
def fetched(dst_sim, db):
    source = source_save(
        kind="mls", name="dst", base_url=dst_sim.url("mls"), username="demo", password="demo-password",
        params={"macaddresses": MAC_A},
    )  # fmt: skip
    assert run_fetch(source).status == "succeeded"
    return dst_sim.simulators["mls"]


def expected_days(simulator, zone):
    """{local day: (minutes, used peak, used average, metered peak, metered average)} from the simulator."""
    days = defaultdict(list)
    for m in range(simulator.minutes()):
        r = simulator.record(0, m)
        moment = datetime.fromisoformat(f"{r['ts_date']}T{r['ts_time']}").replace(tzinfo=UTC)
        days[moment.astimezone(ZoneInfo(zone)).date().isoformat()].append((r["lic_used"], r["lic_metered"]))
    return {day: figures(values) for day, values in days.items()}


def figures(values):
    """(minutes, used peak, used average, metered peak, metered average) of (used, metered) minutes."""
    used, metered = zip(*values, strict=True)
    n = len(values)
    return n, max(used), round(sum(used) / n, 2), max(metered), round(sum(metered) / n, 2)


def local_minute(text):
    """A CSV instant (ISO 8601 with the display zone's offset) as the page shows it (the repeated hour named)."""
    moment = datetime.fromisoformat(text)
    assert moment.utcoffset() == timezone.localtime(moment).utcoffset(), text
    return cell(moment)


def csv_days(viewer, query):
    response = viewer.get(URL, {**query, "format": "csv"})
    rows = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    return {
        local_minute(r["Period start"]): (
            int(r["Minutes"]),
            int(r["Used max"]),
            float(r["Used avg"]),
            int(r["Metered max"]),
            float(r["Metered avg"]),
        )
        for r in rows
    }


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_daily_peaks_and_averages_are_those_of_the_local_days_minutes(viewer, fetched, zone):
    expected = expected_days(fetched, zone)
    query = {"start": DAYS[0], "end": DAYS[-1], "granularity": "day"}

    with override_settings(TIME_ZONE=zone):
        downloaded = csv_days(viewer, query)
        page = viewer.get(URL, query)

    assert downloaded == {f"{day} 00:00": expected[day] for day in DAYS}
    minutes = sum(expected[day][0] for day in DAYS)
    summary = page.context["summary"]
    assert summary["minutes"] == minutes
    assert summary["used_peak"] == max(expected[day][1] for day in DAYS)
    records = (fetched.record(0, m) for m in range(fetched.minutes()))
    used_total = sum(r["lic_used"] for r in records if in_days(r, zone))
    assert summary["used_avg"] == round(used_total / minutes, 2)


def in_days(record, zone):
    moment = datetime.fromisoformat(f"{record['ts_date']}T{record['ts_time']}").replace(tzinfo=UTC)
    return DAYS[0] <= moment.astimezone(ZoneInfo(zone)).date().isoformat() <= DAYS[-1]


def test_the_day_summer_time_starts_has_23_hours_in_new_york(viewer, fetched):
    with override_settings(TIME_ZONE="America/New_York"):
        days = csv_days(viewer, {"start": "2026-03-08", "end": "2026-03-08", "granularity": "day"})
        hours = csv_days(viewer, {"start": "2026-03-08", "end": "2026-03-08", "granularity": "hour"})

    assert days["2026-03-08 00:00"][0] == 23 * 60
    assert len(hours) == 23 and "2026-03-08 02:00" not in hours  # 02:00 does not exist that night


def test_a_week_in_kolkata_holds_the_minutes_of_its_seven_local_days(viewer, fetched):
    expected = expected_days(fetched, "Asia/Kolkata")
    week = [(date(2026, 3, 9) + timedelta(days=i)).isoformat() for i in range(7)]  # Monday to Sunday

    with override_settings(TIME_ZONE="Asia/Kolkata"):
        weeks = csv_days(viewer, {"start": "2026-03-09", "end": "2026-03-15", "granularity": "week"})

    assert weeks["2026-03-09 00:00"][:2] == (
        sum(expected[d][0] for d in week if d in expected),
        max(expected[d][1] for d in week if d in expected),
    )


def test_hourly_buckets_in_kolkata_say_they_are_utc_hours(viewer, fetched):
    with override_settings(TIME_ZONE="Asia/Kolkata"):
        response = viewer.get(URL, {"start": "2026-03-08", "end": "2026-03-08", "granularity": "hour"})

    assert "Hour buckets are UTC hours: in Asia/Kolkata they start at :30 past each hour." in response.content.decode()
    assert [r["bucket"].strftime("%H:%M") for r in response.context["rows"]][:2] == ["00:30", "01:30"]
    assert all(r["samples"] == 60 for r in response.context["rows"])


def test_the_day_summer_time_ends_has_25_hours_in_new_york(viewer, db):
    server = SimulatorServer(
        options={"mls": {"history_days": 3, "end": datetime(2026, 11, 3, 12, tzinfo=UTC)}}, kinds=["mls"]
    ).start()
    try:
        source = source_save(
            kind="mls", name="fall", base_url=server.url("mls"), username="demo", password="demo-password",
            params={"macaddresses": MAC_A},
        )  # fmt: skip
        assert run_fetch(source).status == "succeeded"
        expected = expected_days(server.simulators["mls"], "America/New_York")["2026-11-01"]
    finally:
        server.stop()

    with override_settings(TIME_ZONE="America/New_York"):
        days = csv_days(viewer, {"start": "2026-11-01", "end": "2026-11-01", "granularity": "day"})
        hours = csv_days(viewer, {"start": "2026-11-01", "end": "2026-11-01", "granularity": "hour"})

    assert days == {"2026-11-01 00:00": expected} and expected[0] == 25 * 60
    assert len(hours) == 25 and {"2026-11-01 01:00 EDT", "2026-11-01 01:00 EST"} <= set(hours)


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kolkata"])
def test_the_admin_lists_minutes_and_hours_outside_utc(admin_client, fetched, zone):
    with override_settings(TIME_ZONE=zone):
        for url in ("/admin/mls/mlsrecord/", "/admin/mls/mlsrollup/"):
            assert admin_client.get(url).status_code == 200, url
