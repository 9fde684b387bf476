"""hours=office: a supervisor's averages, bands, tables and downloads over the office hours' minutes only.

The expected figures are computed here from the simulator's own minutes, in each display zone, over the US
change to summer time (Sunday 8 March 2026: New York's 02:00-03:00 does not exist) and in Kolkata, whose local
hours start at :30 past the UTC hours the rollups hold (so office hours from 08:00 split a UTC hour).
"""

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import timezone

from dashboard.office_hours import parse
from tests.mls.test_time_zones import DAYS, URL, csv_days, dst_sim, fetched, figures  # noqa: F401 (fixtures)
from tests.pages import figure

pytestmark = pytest.mark.django_db
ZONES = ["UTC", "America/New_York", "Asia/Kolkata"]
EVERY_DAY_ODD_HOURS = parse("Mon-Sun 01:30-17:45")  # covers the hour New York skips, splits UTC hours everywhere


def office_minutes(simulator, zone, office):
    """(UTC instant, local instant, used, metered) of the simulator's minutes in office hours in `zone`."""
    for m in range(simulator.minutes()):
        r = simulator.record(0, m)
        moment = datetime.fromisoformat(f"{r['ts_date']}T{r['ts_time']}").replace(tzinfo=UTC)
        local = moment.astimezone(ZoneInfo(zone))
        if office.contains(local):
            yield moment, local, r["lic_used"], r["lic_metered"]


def expected(minutes, key):
    """{bucket: (minutes, used peak, used average, metered peak, metered average)} of the minutes by `key`."""
    groups = defaultdict(list)
    for moment, local, used, metered in minutes:
        groups[key(moment, local)].append((used, metered))
    return {bucket: figures(values) for bucket, values in groups.items()}


def in_range(minutes):
    return [m for m in minutes if DAYS[0] <= m[1].date().isoformat() <= DAYS[-1]]


@pytest.mark.parametrize("zone", ZONES)
def test_office_hours_daily_averages_are_those_of_the_office_minutes(viewer, fetched, zone):  # noqa: F811
    minutes = in_range(office_minutes(fetched, zone, EVERY_DAY_ODD_HOURS))
    want = expected(minutes, lambda moment, local: f"{local.date().isoformat()} 00:00")
    query = {"start": DAYS[0], "end": DAYS[-1], "granularity": "day", "hours": "office"}

    with override_settings(TIME_ZONE=zone, OFFICE_HOURS=EVERY_DAY_ODD_HOURS):
        downloaded = csv_days(viewer, query)
        page = viewer.get(URL, query)

    assert downloaded == want and len(want) == 3
    summary = page.context["summary"]
    assert summary["minutes"] == len(minutes)
    assert summary["used_avg"] == round(sum(m[2] for m in minutes) / len(minutes), 2)
    assert [(r["samples"], r["used_avg"]) for r in page.context["rows"]] == [(v[0], v[2]) for v in want.values()]


def test_new_yorks_summer_time_day_has_an_hour_less_of_office_hours(viewer, fetched):  # noqa: F811
    query = {"start": "2026-03-08", "end": "2026-03-09", "granularity": "day", "hours": "office"}
    with override_settings(TIME_ZONE="America/New_York", OFFICE_HOURS=EVERY_DAY_ODD_HOURS):
        days = csv_days(viewer, query)

    office = 17 * 60 + 45 - 90
    assert days["2026-03-08 00:00"][0] == office - 60  # 02:00-03:00 is skipped: 01:30-02:00 and 03:00-17:45 remain
    assert days["2026-03-09 00:00"][0] == office


@pytest.mark.parametrize("zone", ZONES)
def test_office_hours_hourly_rows_are_the_utc_hours_office_minutes(viewer, fetched, zone):  # noqa: F811
    minutes = [m for m in office_minutes(fetched, zone, EVERY_DAY_ODD_HOURS) if m[1].date().isoformat() == DAYS[1]]
    query = {"start": DAYS[1], "end": DAYS[1], "granularity": "hour", "hours": "office"}

    with override_settings(TIME_ZONE=zone, OFFICE_HOURS=EVERY_DAY_ODD_HOURS):
        page = viewer.get(URL, query)
        downloaded = [
            (int(r["Minutes"]), float(r["Used avg"]))
            for r in csv.DictReader(
                io.StringIO(b"".join(viewer.get(URL, {**query, "format": "csv"}).streaming_content).decode())
            )
        ]

    want = expected(minutes, lambda moment, local: moment.replace(minute=0))
    rows = page.context["rows"]
    assert [(r["samples"], r["used_avg"]) for r in rows] == [(v[0], v[2]) for _k, v in sorted(want.items())]
    assert downloaded == [(r["samples"], r["used_avg"]) for r in rows]
    assert any(r["samples"] < 60 for r in rows)  # the hours office hours split are read from their minutes
    used_avg = next(t for t in figure(page)["data"] if t["name"] == "Used avg")
    assert used_avg["y"] == [r["used_avg"] for r in rows]


@pytest.mark.parametrize("zone", ZONES)
def test_the_default_office_hours_leave_out_the_weekend_and_the_evenings(viewer, fetched, zone):  # noqa: F811
    office = parse("Mon-Fri 08:00-18:00")
    minutes = in_range(office_minutes(fetched, zone, office))
    query = {"start": DAYS[0], "end": DAYS[-1], "granularity": "day", "hours": "office"}

    with override_settings(TIME_ZONE=zone, OFFICE_HOURS=office):
        page = viewer.get(URL, query)
        everything = viewer.get(URL, {**query, "hours": "all"})

    assert [r["bucket"].date().isoformat() for r in page.context["rows"]] == ["2026-03-09"]  # Saturday, Sunday off
    assert page.context["summary"]["minutes"] == len(minutes) == 600
    assert page.context["summary"]["used_avg"] == round(sum(m[2] for m in minutes) / len(minutes), 2)
    assert everything.context["summary"]["minutes"] > 3 * 1380


def test_the_chart_says_what_its_average_is_over(viewer, fetched):  # noqa: F811
    query = {"start": DAYS[0], "end": DAYS[-1], "granularity": "day"}

    everything, office = viewer.get(URL, query), viewer.get(URL, {**query, "hours": "office"})

    assert "min–max band and average over 24 h" in everything.content.decode()
    assert figure(everything)["layout"]["legend"]["title"]["text"] == "Average over 24 h:"
    text = office.content.decode()
    assert "min–max band and average over office hours, Mon–Fri 08:00–18:00" in text
    assert figure(office)["layout"]["legend"]["title"]["text"] == "Average over office hours, Mon–Fri 08:00–18:00:"
    assert "The outlined cells are the office hours, Mon–Fri 08:00–18:00 (OFFICE_HOURS)." in text
    shapes = figure(office, "heatmap")["layout"]["shapes"]
    minute = datetime(2026, 3, 9, tzinfo=UTC).astimezone(timezone.get_current_timezone()).minute  # 30 in Kolkata
    x0 = 8 - 0.5 - minute / 60  # cell 8 (08:mm) is centred on 8
    assert [(s["y0"], s["x0"], s["x1"]) for s in shapes] == [(day - 0.5, x0, x0 + 10) for day in range(5)]


def test_the_raw_minutes_download_keeps_only_the_office_minutes(viewer, fetched):  # noqa: F811
    office = parse("Mon-Fri 08:00-18:00")
    query = {"start": DAYS[0], "end": DAYS[-1], "hours": "office", "table": "raw", "format": "csv"}
    with override_settings(TIME_ZONE="America/New_York", OFFICE_HOURS=office):
        response = viewer.get(URL, query)
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert len(rows) == 600
    assert all("T08:" <= r["Time"][10:14] <= "T17:" for r in rows)


@pytest.mark.parametrize("value", ["offce", "OFFICE", "1", "all,office"])
def test_a_bad_hours_value_is_a_form_error_not_a_500(viewer, fetched, value):  # noqa: F811
    response = viewer.get(URL, {"start": DAYS[0], "end": DAYS[-1], "hours": value})

    assert response.status_code == 400
    assert "hours" in response.context["form"].errors
