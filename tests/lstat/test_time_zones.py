"""A source whose License Statistics writes Berlin dates, shown in New York: days on their own date, hours at their instant."""

import csv
import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from ingest.services import run_fetch
from ingest.vendors.lstat.models import LstatFeature, LstatServer, LstatSession, LstatUsage

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def berlin_source(sim, lstat_clock, lstat_source, settings):
    """The simulator writes Berlin dates and the source says so; pages show New York time."""
    sim.simulators["lstat"].zone = ZoneInfo("Europe/Berlin")
    lstat_source.params = {**lstat_source.params, "timezone": "Europe/Berlin", "snapshots": []}
    lstat_source.save()
    assert run_fetch(lstat_source).error == ""
    settings.TIME_ZONE = "America/New_York"
    return lstat_source


def feature_page(viewer, **query):
    return viewer.get(reverse("reports:lstat_feature", args=[LstatFeature.objects.get(fid=11).pk]), query)


def test_a_berlin_day_is_stored_from_berlin_midnight(berlin_source):
    day = LstatUsage.objects.get(feature__fid=11, granularity="day", period_label="2026-03-02")

    assert day.period_start == datetime(2026, 3, 1, 23, tzinfo=UTC)


def test_each_daily_row_is_shown_on_its_vendor_date_in_new_york(viewer, berlin_source):
    rows = feature_page(viewer, granularity="day", start="2026-03-01", end="2026-03-04").context["rows"]

    stored = LstatUsage.objects.filter(feature__fid=11, granularity="day").order_by("period_label")
    assert [(r["bucket"].date(), r["used_max"], r["denials"]) for r in rows] == [
        (date.fromisoformat(d.period_label), d.used_max, d.denials) for d in stored
    ]
    assert [r["bucket"].date() for r in rows] == [date(2026, 3, d) for d in (1, 2, 3, 4)]
    assert all(r["bucket"].tzinfo.key == "America/New_York" and r["bucket"].hour == 0 for r in rows)


def test_a_single_day_range_shows_that_vendor_day(viewer, berlin_source):
    rows = feature_page(viewer, granularity="day", start="2026-03-02", end="2026-03-02").context["rows"]

    assert [(r["bucket"].date(), r["used_max"]) for r in rows] == [
        (
            date(2026, 3, 2),
            LstatUsage.objects.get(feature__fid=11, granularity="day", period_label="2026-03-02").used_max,
        )
    ]


def test_hourly_rows_are_shown_at_their_instant_in_new_york(viewer, berlin_source):
    rows = feature_page(viewer, granularity="hour", start="2026-03-04", end="2026-03-04").context["rows"]

    # 13:00 in Berlin (UTC+1) is noon UTC, 07:00 in New York (UTC-5): the last, open hour
    berlin_1300 = LstatUsage.objects.get(feature__fid=11, granularity="hour", period_label="2026-03-04 13:00")
    assert rows[-1]["bucket"] == datetime(2026, 3, 4, 7, tzinfo=NEW_YORK)
    assert rows[-1]["used_max"] == berlin_1300.used_max and rows[-1]["hours_used"] == berlin_1300.hours_used
    # New York's 4 March began at 06:00 in Berlin: hours 00:00 to 07:00 in New York
    assert [r["bucket"].hour for r in rows] == list(range(0, 8))


def test_the_download_writes_new_york_times(viewer, berlin_source):
    response = feature_page(viewer, granularity="hour", start="2026-03-04", end="2026-03-04", format="csv")

    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert lines[-1][1] == "2026-03-04T07:00:00-05:00"


def test_weeks_are_built_from_vendor_dates(viewer, berlin_source):
    days = feature_page(viewer, granularity="day", start="2026-03-01", end="2026-03-04").context["rows"]
    weeks = feature_page(viewer, granularity="week", start="2026-03-01", end="2026-03-04").context["rows"]

    # Sunday 1 March closes the week of 23 February; Monday 2 March opens the next
    assert [r["bucket"].date() for r in weeks] == [date(2026, 2, 23), date(2026, 3, 2)]
    assert weeks[0]["used_max"] == days[0]["used_max"]
    assert weeks[1]["denials"] == sum(r["denials"] for r in days[1:])


def test_the_server_index_shows_the_last_vendor_date(viewer, berlin_source):
    servers = viewer.get(reverse("reports:lstat")).context["servers"]

    assert {s["server"].lsid: s["last"] for s in servers} == {1: date(2026, 3, 4), 2: date(2026, 3, 4)}
    assert LstatServer.objects.count() == 2


def test_checked_out_times_are_read_in_the_sources_zone(sim, lstat_clock, lstat_source):
    sim.simulators["lstat"].zone = ZoneInfo("Europe/Berlin")
    lstat_source.params = {**lstat_source.params, "timezone": "Europe/Berlin"}
    lstat_source.save()

    run_fetch(lstat_source)

    held = sim.simulators["lstat"].sessions(datetime(2026, 3, 4, 12, tzinfo=UTC))
    stored = set(LstatSession.objects.values_list("checked_out_at", flat=True))
    assert stored == {s["lco"].replace(second=0, microsecond=0) for s in held}


def test_the_page_says_whose_days_it_shows(viewer, berlin_source):
    days = feature_page(viewer, granularity="day", start="2026-03-01", end="2026-03-04")
    hours = feature_page(viewer, granularity="hour", start="2026-03-04", end="2026-03-04")

    assert "Days are the dates License Statistics reports in Europe/Berlin" in days.content.decode()
    assert "hours are shown in America/New_York" in days.content.decode()
    assert hours.context["zone_note"] == ""


def test_a_source_in_the_shown_zone_needs_no_note(sim, viewer, lstat_clock, lstat_source, settings):
    sim.simulators["lstat"].zone = ZoneInfo(settings.TIME_ZONE)
    lstat_source.params = {**lstat_source.params, "timezone": ""}
    lstat_source.save()
    run_fetch(lstat_source)

    assert feature_page(viewer, granularity="day").context["zone_note"] == ""
