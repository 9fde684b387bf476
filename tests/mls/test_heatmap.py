"""When people work: the supervisor page's weekday x hour heatmap of hourly peaks, in the display zone."""

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import timezone

from ingest.vendors.mls.models import MlsRollup, MlsSupervisor
from reports.heatmap import WEEKDAYS
from tests.heatmaps import heatmap_cells as heatmap

pytestmark = pytest.mark.django_db

MAC = "00:AA:BB:CC:DD:EE"
URL = f"/mls/{MAC}/"


@pytest.fixture
def supervisor(mls_source):
    return MlsSupervisor.objects.create(source=mls_source, macaddress=MAC)


def store_hours(supervisor, peaks):
    """One hour rollup per (UTC hour start, used peak)."""
    MlsRollup.objects.bulk_create(
        MlsRollup(
            supervisor=supervisor, granularity="hour", bucket=hour, samples=60, used_min=0, used_max=peak,
            used_sum=60 * peak, prepaid_min=5, prepaid_max=5, prepaid_sum=300, metered_min=0, metered_max=0,
            metered_sum=0,
        )
        for hour, peak in peaks.items()
    )  # fmt: skip


def utc(*args):
    return datetime(*args, tzinfo=UTC)


# Two Sundays around the start of New York's DST (2026-03-08, 02:00 EST -> 03:00 EDT).
DST_SUNDAYS = {
    utc(2026, 3, 1, 7): 4,  # 02:00 EST
    utc(2026, 3, 1, 8): 6,  # 03:00 EST
    utc(2026, 3, 8, 6): 10,  # 01:00 EST
    utc(2026, 3, 8, 7): 20,  # 03:00 EDT: 02:00 never happened that day
}


def test_cells_are_utc_hours_in_utc(viewer, supervisor):
    store_hours(supervisor, DST_SUNDAYS)
    with override_settings(TIME_ZONE="UTC"):
        cells = heatmap(viewer.get(URL, {"start": "2026-03-01", "end": "2026-03-08"}))

    assert cells == {("Sunday", "07:00"): 12.0, ("Sunday", "08:00"): 6.0, ("Sunday", "06:00"): 10.0}


def test_cells_are_local_hours_across_the_start_of_dst_in_new_york(viewer, supervisor):
    store_hours(supervisor, DST_SUNDAYS)
    with override_settings(TIME_ZONE="America/New_York"):
        cells = heatmap(viewer.get(URL, {"start": "2026-03-01", "end": "2026-03-08"}))

    assert cells == {("Sunday", "01:00"): 10.0, ("Sunday", "02:00"): 4.0, ("Sunday", "03:00"): 13.0}


def test_the_hour_repeated_when_dst_ends_counts_both_utc_hours(viewer, supervisor):
    store_hours(supervisor, {utc(2026, 11, 1, 5): 3, utc(2026, 11, 1, 6): 8})  # 01:00 EDT, then 01:00 EST
    with override_settings(TIME_ZONE="America/New_York"):
        cells = heatmap(viewer.get(URL, {"start": "2026-11-01", "end": "2026-11-01"}))

    assert cells == {("Sunday", "01:00"): 5.5}


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_each_cell_is_the_mean_peak_of_the_stored_hours_starting_in_it(viewer, supervisor, zone):
    """Three weeks of hours spanning the start of DST, each cell checked against the stored rows."""
    first = utc(2026, 2, 26)
    store_hours(supervisor, {first + timedelta(hours=i): (i * 7) % 23 for i in range(21 * 24)})
    with override_settings(TIME_ZONE=zone):
        cells = heatmap(viewer.get(URL, {"start": "2026-02-27", "end": "2026-03-17"}))

    tz = ZoneInfo(zone)
    start, end = datetime(2026, 2, 27, tzinfo=tz), datetime(2026, 3, 18, tzinfo=tz)
    peaks = defaultdict(list)
    for row in MlsRollup.objects.filter(supervisor=supervisor, bucket__gte=start, bucket__lt=end):
        local = row.bucket.astimezone(tz)
        peaks[(WEEKDAYS[local.weekday()], f"{local.hour:02d}:00")].append(row.used_max)
    assert cells == {cell: round(sum(v) / len(v), 2) for cell, v in peaks.items()}
    assert len(cells) == 7 * 24


def test_in_a_half_hour_zone_the_page_says_what_the_cells_are(viewer, supervisor):
    store_hours(supervisor, {utc(2026, 3, 4, 10): 7})  # 15:30 in Kolkata
    with override_settings(TIME_ZONE="Asia/Kolkata"):
        response = viewer.get(URL, {"start": "2026-03-04", "end": "2026-03-04"})

    assert heatmap(response) == {("Wednesday", "15:30"): 7.0}
    assert "Cells are UTC hours: in Asia/Kolkata they start at :30 past each hour" in response.content.decode()


def test_a_download_does_not_build_the_heatmap(viewer, supervisor):
    store_hours(supervisor, DST_SUNDAYS)
    response = viewer.get(URL, {"start": "2026-03-01", "end": "2026-03-08", "format": "csv"})

    assert response.status_code == 200 and b"heatmap" not in b"".join(response.streaming_content)


def test_timezone_override_moves_the_cells_too(supervisor):
    from reports.mls.selectors import mls_heatmap
    from reports.periods import Period

    store_hours(supervisor, {utc(2026, 3, 4, 3): 9})
    with timezone.override("America/New_York"):
        cells = mls_heatmap(supervisor, Period(datetime(2026, 3, 3).date(), datetime(2026, 3, 3).date(), "hour"))

    assert cells.z[1][22] == 9 and cells.counts[1][22] == 1  # Tuesday 22:00 EST
