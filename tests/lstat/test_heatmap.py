"""When people work: the feature page's weekday x hour heatmaps of used seats and denials, in the display zone."""

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from ingest.vendors.lstat.models import LstatFeature, LstatUsage
from reports.heatmap import WEEKDAYS
from tests.heatmaps import heatmap_cells as cells

pytestmark = pytest.mark.django_db


@pytest.fixture
def feature(lstat_source):
    return LstatFeature.objects.create(source=lstat_source, fid=901, name="MATLAB", seen_at=timezone.now())


def store_hours(feature, hours):
    """One hourly usage row per (UTC hour start, used max, denials)."""
    LstatUsage.objects.bulk_create(
        LstatUsage(
            feature=feature, granularity="hour", period_start=start, period_label=start.strftime("%Y-%m-%d %H"),
            used_min=0, used_avg=used / 2, used_max=used, borrowed_min=0, borrowed_max=0, denials=denials,
            hours_used=1.0, total_seats=20,
        )
        for start, used, denials in hours
    )  # fmt: skip


def utc(*args):
    return datetime(*args, tzinfo=UTC)


# Two Sundays around the start of New York's DST (2026-03-08, 02:00 EST -> 03:00 EDT).
DST_SUNDAYS = [
    (utc(2026, 3, 1, 7), 4, 0),  # 02:00 EST
    (utc(2026, 3, 1, 8), 6, 1),  # 03:00 EST
    (utc(2026, 3, 8, 6), 10, 0),  # 01:00 EST
    (utc(2026, 3, 8, 7), 20, 3),  # 03:00 EDT
]


def page(viewer, feature, **query):
    return viewer.get(reverse("reports:lstat_feature", args=[feature.pk]), {"granularity": "hour", **query})


def test_used_and_denials_by_utc_hour_in_utc(viewer, feature):
    store_hours(feature, DST_SUNDAYS)
    with override_settings(TIME_ZONE="UTC"):
        response = page(viewer, feature, start="2026-03-01", end="2026-03-08")

    assert cells(response) == {("Sunday", "06:00"): 10.0, ("Sunday", "07:00"): 12.0, ("Sunday", "08:00"): 6.0}
    assert cells(response, "denials-heatmap") == {
        ("Sunday", "06:00"): 0,
        ("Sunday", "07:00"): 3,
        ("Sunday", "08:00"): 1,
    }


def test_used_and_denials_by_local_hour_across_the_start_of_dst_in_new_york(viewer, feature):
    store_hours(feature, DST_SUNDAYS)
    with override_settings(TIME_ZONE="America/New_York"):
        response = page(viewer, feature, start="2026-03-01", end="2026-03-08")

    assert cells(response) == {("Sunday", "01:00"): 10.0, ("Sunday", "02:00"): 4.0, ("Sunday", "03:00"): 13.0}
    assert cells(response, "denials-heatmap") == {
        ("Sunday", "01:00"): 0,
        ("Sunday", "02:00"): 0,
        ("Sunday", "03:00"): 4,
    }


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_each_cell_is_computed_from_the_stored_hourly_rows(viewer, feature, zone):
    first = utc(2026, 2, 26)
    store_hours(feature, [(first + timedelta(hours=i), (i * 5) % 17, i % 3) for i in range(21 * 24)])
    with override_settings(TIME_ZONE=zone):
        response = page(viewer, feature, start="2026-02-27", end="2026-03-17")

    tz = ZoneInfo(zone)
    start, end = datetime(2026, 2, 27, tzinfo=tz), datetime(2026, 3, 18, tzinfo=tz)
    used, denials = defaultdict(list), defaultdict(int)
    for row in LstatUsage.objects.filter(feature=feature, period_start__gte=start, period_start__lt=end):
        local = row.period_start.astimezone(tz)
        cell = (WEEKDAYS[local.weekday()], f"{local.hour:02d}:00")
        used[cell].append(row.used_max)
        denials[cell] += row.denials
    assert cells(response) == {cell: round(sum(v) / len(v), 2) for cell, v in used.items()}
    assert cells(response, "denials-heatmap") == dict(denials)


def test_hours_without_denials_say_so_instead_of_an_empty_map(viewer, feature):
    store_hours(feature, [(utc(2026, 3, 4, 10), 5, 0)])
    with override_settings(TIME_ZONE="Asia/Kolkata"):
        response = page(viewer, feature, start="2026-03-04", end="2026-03-04")

    assert cells(response) == {("Wednesday", "15:30"): 5.0}
    html = response.content.decode()
    assert "No denials in these hours." in html and 'id="denials-heatmap-data"' not in html
    assert "Cells are UTC hours: in Asia/Kolkata they start at :30 past each hour" in html
