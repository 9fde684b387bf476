"""hours=office on License Statistics: the buckets of the hourly rows that lie wholly in office hours.

License Statistics sends nothing finer than an hour, and its day rows hold whole days, so an office-hours day is
built from the hourly rows all of whose minutes are office minutes in the display zone; the expected figures are
computed here from the stored rows, minute by minute, over New York's change to summer time (8 March 2026) and in
Kolkata, whose local hours start at :30 past the UTC hours (so the office hours' first and last hours are split).
"""

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from dashboard.office_hours import parse
from ingest.vendors.lstat.models import LstatFeature, LstatUsage
from tests.pages import figure

pytestmark = pytest.mark.django_db
OFFICE = parse("Mon-Sun 01:30-17:45")  # every day, so the DST Sunday counts; boundaries inside hours everywhere
FIRST = datetime(2026, 3, 6, tzinfo=UTC)
DAYS = ["2026-03-07", "2026-03-08", "2026-03-09"]


@pytest.fixture
def feature(lstat_source):
    feature = LstatFeature.objects.create(source=lstat_source, fid=902, name="MATLAB", seen_at=timezone.now())
    LstatUsage.objects.bulk_create(
        LstatUsage(
            feature=feature, granularity="hour", period_start=FIRST + timedelta(hours=h),
            period_label=(FIRST + timedelta(hours=h)).strftime("%Y-%m-%d %H"), used_min=h % 3, used_avg=(h * 7) % 11 + 0.5,
            used_max=(h * 7) % 11 + 3, borrowed_min=0, borrowed_max=h % 2, denials=h % 4, hours_used=1.0, total_seats=20,
        )
        for h in range(5 * 24)
    )  # fmt: skip
    return feature


def office_hour(start, zone):
    """Whether every minute of the UTC hour from `start` is an office minute in `zone`."""
    return all(OFFICE.contains((start + timedelta(minutes=m)).astimezone(zone)) for m in range(60))


def expected(feature, zone):
    """{local day: (used min, used avg, used max, denials)} of the hourly rows wholly in office hours."""
    days = defaultdict(list)
    for u in LstatUsage.objects.filter(feature=feature, granularity="hour"):
        if office_hour(u.period_start, zone):
            days[u.period_start.astimezone(zone).date().isoformat()].append(u)
    return {
        day: (min(u.used_min for u in rows), round(sum(u.used_avg for u in rows) / len(rows), 2),
              max(u.used_max for u in rows), sum(u.denials for u in rows), len(rows))
        for day, rows in days.items() if DAYS[0] <= day <= DAYS[-1]
    }  # fmt: skip


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_office_hours_days_are_those_of_the_hourly_rows_wholly_in_them(viewer, feature, zone):
    url = reverse("reports:lstat_feature", args=[feature.pk])
    query = {"start": DAYS[0], "end": DAYS[-1], "granularity": "day", "hours": "office"}

    with override_settings(TIME_ZONE=zone, OFFICE_HOURS=OFFICE):
        want = expected(feature, ZoneInfo(zone))
        page = viewer.get(url, query)
        download = list(
            csv.DictReader(
                io.StringIO(b"".join(viewer.get(url, {**query, "format": "csv"}).streaming_content).decode())
            )
        )
        got = {
            timezone.localtime(r["bucket"]).date().isoformat(): (
                r["used_min"],
                r["used_avg"],
                r["used_max"],
                r["denials"],
            )
            for r in page.context["rows"]
        }

    assert got == {day: figures[:4] for day, figures in want.items()} and len(got) == 3
    assert [float(r["Used avg"]) for r in download] == [r["used_avg"] for r in page.context["rows"]]
    hours = {day: figures[4] for day, figures in want.items()}
    if zone == "America/New_York":
        assert hours["2026-03-08"] == hours["2026-03-09"] - 1  # 02:00-03:00 does not exist that night
    if zone == "Asia/Kolkata":
        assert hours["2026-03-09"] == 16  # 01:30-17:30 (20:00-12:00 UTC): the hour the end splits is left out
    assert "average over office hours, Mon–Sun 01:30–17:45" in page.content.decode()
    assert figure(page)["layout"]["legend"]["title"]["text"] == "Average over office hours, Mon–Sun 01:30–17:45:"


def test_the_page_says_office_hours_come_from_the_hourly_rows(viewer, feature):
    url = reverse("reports:lstat_feature", args=[feature.pk])

    with override_settings(OFFICE_HOURS=OFFICE):
        page = viewer.get(url, {"start": "2026-03-01", "end": DAYS[-1], "granularity": "day", "hours": "office"})
        raw = viewer.get(url, {"start": DAYS[0], "end": DAYS[0], "hours": "office", "table": "raw", "format": "csv"})

    assert "are read from License Statistics&#x27; hourly rows that lie wholly in them" in page.content.decode()
    assert "earlier days have none" in page.content.decode()
    rows = list(csv.DictReader(io.StringIO(b"".join(raw.streaming_content).decode())))
    assert rows and all(r["Granularity"] == "hour" for r in rows)
    zone = timezone.get_current_timezone()
    assert all(office_hour(datetime.fromisoformat(r["Period start"]).astimezone(UTC), zone) for r in rows)


def test_a_bad_hours_value_is_a_form_error(viewer, feature):
    response = viewer.get(reverse("reports:lstat_feature", args=[feature.pk]), {"hours": "nights"})

    assert response.status_code == 400 and "hours" in response.context["form"].errors
