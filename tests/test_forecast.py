"""The forecast: the trend of a licensed thing's weekly peaks over 26 weeks and when it reaches what is owned."""

import csv
import io
import math
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from ingest.vendors.lstat.models import LstatFeature, LstatUsage
from ingest.vendors.mls.models import MlsRollup, MlsSupervisor
from reports.lstat.selectors import weekly_peaks as lstat_weekly_peaks
from reports.mls.selectors import weekly_peaks as mls_weekly_peaks
from reports.overview.forecast import WEEKS, forecast, peaks_by_week, week_of, week_windows
from reports.overview.models import Entitlement

TODAY = date(2026, 3, 4)
MAC = "00:AA:BB:CC:DD:01"


def line(a, b, n=WEEKS):
    return [a + b * i for i in range(n)]


def test_a_straight_line_reaches_owned_when_its_value_passes_it():
    # 10, 10.5, ... 22.5 this week: 7.5 short of 30 at 0.5 a week is 15 weeks.
    f = forecast(line(10, 0.5), 30)

    assert (f.slope, f.level, f.weeks, f.label) == (0.5, 22.5, 15, "~15 weeks")


def test_a_spike_and_an_outage_do_not_tilt_the_trend():
    peaks = line(10, 0.5)
    peaks[12], peaks[20] = 60, 0  # a month-end spike, a week the server was down
    f = forecast(peaks, 30)

    assert (f.slope, f.level, f.weeks, f.used_weeks) == (0.5, 22.5, 15, WEEKS - 2)


def test_weeks_without_data_are_left_out_of_the_fit_not_read_as_zero():
    peaks = [None] * 20 + line(4, 1, 6)  # six weeks of data, the last at 9
    f = forecast(peaks, 12)

    assert (f.slope, f.level, f.weeks) == (1.0, 9.0, 3)


def test_the_week_is_rounded_up_and_one_week_is_singular():
    assert forecast(line(2, 3, 8), 25).weeks == math.ceil((25 - 23) / 3) == 1
    assert forecast(line(2, 3, 8), 25).label == "~1 week"


def test_flat_or_falling_peaks_are_no_growth():
    assert forecast([7] * WEEKS, 10).label == "no growth"
    assert forecast(line(9, -0.2), 10).label == "no growth"
    assert forecast(line(9, -0.2), 10).weeks is None


def test_noise_around_a_flat_line_is_no_growth():
    peaks = [10, 12, 9, 11, 10, 12, 11, 9, 12, 10, 11, 12]  # a slope of +0.07 a week, well inside the noise
    xs = range(len(peaks))
    mean_x, mean_y = sum(xs) / len(peaks), sum(peaks) / len(peaks)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, peaks, strict=True)) / sum(
        (x - mean_x) ** 2 for x in xs
    )
    assert 0 < slope < 0.1

    assert forecast(peaks, 20).label == "no growth"


def test_too_few_weeks_at_owned_have_reached_it():
    assert forecast([None] * 23 + [3100, 3190, 3150], 2500).label == "reached"  # BigFix: monthly periods


def test_a_trend_already_at_owned_has_reached_it():
    f = forecast(line(8, 0.5, 10), 12)  # 12.5 this week

    assert (f.weeks, f.label) == (0, "reached")


def test_a_slow_trend_is_over_two_years():
    assert forecast(line(10, 0.01), 20).label == "over 2 years"


def test_no_forecast_without_owned_or_with_too_few_weeks():
    assert forecast(line(1, 1), None) is None
    assert forecast(line(1, 1), 0) is None
    assert forecast([None] * 23 + [1, 2, 3], 10) is None


def test_rolling_weeks_end_tonight_and_are_a_week_each():
    windows = week_windows(TODAY)
    zone = timezone.get_current_timezone()

    assert len(windows) == WEEKS
    assert windows[-1][1] == timezone.make_aware(datetime.combine(TODAY + timedelta(days=1), time()), zone)
    assert windows[0][0] == timezone.make_aware(datetime.combine(TODAY - timedelta(days=7 * WEEKS - 1), time()), zone)
    assert all(a[1] == b[0] for a, b in zip(windows, windows[1:], strict=False))
    assert week_of(TODAY, windows) == WEEKS - 1
    assert week_of(TODAY - timedelta(days=7), windows) == WEEKS - 2
    assert week_of(TODAY + timedelta(days=1), windows) is None
    assert peaks_by_week([(TODAY, 3), (TODAY - timedelta(days=6), 5), (TODAY - timedelta(days=7), 9)], windows)[
        -2:
    ] == [9, 5]


def local_noon(day):
    return timezone.make_aware(datetime.combine(day, time(12)), timezone.get_current_timezone())


def growing_supervisor(mls_source):
    """A supervisor whose weekly peak rises by one a week, 4 to 29 over the 26 weeks up to TODAY."""
    supervisor = MlsSupervisor.objects.create(source=mls_source, macaddress=MAC)
    hours = {}
    for week in range(WEEKS):
        day = TODAY - timedelta(days=7 * (WEEKS - 1 - week))
        hours[local_noon(day)] = 4 + week  # the week's peak
        hours[local_noon(day - timedelta(days=1))] = 2  # a quieter day of the same week
    MlsRollup.objects.bulk_create(
        MlsRollup(
            supervisor=supervisor, granularity="hour", bucket=hour.astimezone(UTC), samples=60, used_min=0,
            used_max=peak, used_sum=60 * peak, prepaid_min=0, prepaid_max=0, prepaid_sum=0, metered_min=0,
            metered_max=0, metered_sum=0,
        )
        for hour, peak in hours.items()
    )  # fmt: skip


@pytest.mark.django_db
def test_supervisor_weekly_peaks_are_the_highest_hour_of_each_week(mls_source):
    growing_supervisor(mls_source)

    peaks = mls_weekly_peaks(week_windows(TODAY), [MAC])

    assert peaks == {MAC: [4 + w for w in range(WEEKS)]}
    assert forecast(peaks[MAC], 40).weeks == 40 - (4 + WEEKS - 1)


@pytest.mark.django_db
def test_feature_weekly_peaks_read_day_rows_and_leave_empty_weeks_empty(lstat_source):
    feature = LstatFeature.objects.create(source=lstat_source, fid=77, name="MATLAB", seen_at=timezone.now())
    other = LstatFeature.objects.create(source=lstat_source, fid=78, name="Simulink", seen_at=timezone.now())
    rows = []
    for week in range(WEEKS - 6, WEEKS):  # the last six weeks only
        day = TODAY - timedelta(days=7 * (WEEKS - 1 - week))
        for f, used in ((feature, 2 * week), (other, 1)):
            rows.append(
                LstatUsage(
                    feature=f, granularity="day", period_start=local_noon(day).replace(hour=0),
                    period_label=day.isoformat(), used_min=0, used_avg=1, used_max=used, borrowed_min=0,
                    borrowed_max=0, denials=0, hours_used=1, total_seats=60,
                )
            )  # fmt: skip
    LstatUsage.objects.bulk_create(rows)
    key = f"{lstat_source.pk}:77"

    peaks = lstat_weekly_peaks(week_windows(TODAY), [key])

    assert peaks == {key: [None] * (WEEKS - 6) + [2 * w for w in range(WEEKS - 6, WEEKS)]}
    f = forecast(peaks[key], 60)
    assert (f.slope, f.level, f.weeks) == (2.0, 2.0 * (WEEKS - 1), math.ceil((60 - 2 * (WEEKS - 1)) / 2))


@pytest.mark.django_db
def test_the_things_page_says_when_it_reaches_what_is_owned(viewer, mls_source):
    growing_supervisor(mls_source)
    Entitlement.objects.create(kind="mls", key=MAC, owned=40)

    with time_machine.travel(local_noon(TODAY), tick=False):
        kpis = {k.label: k for k in viewer.get(f"/mls/{MAC}/").context["kpis"]}

    assert kpis["Reaches owned"].value == f"~{40 - 29} weeks"
    assert "+1 a week" in kpis["Reaches owned"].note and "owned 40" in kpis["Reaches owned"].note


@pytest.mark.django_db
def test_a_thing_without_owned_has_no_forecast_box(viewer, mls_source):
    growing_supervisor(mls_source)  # its prepaid is 0: nothing owned

    with time_machine.travel(local_noon(TODAY), tick=False):
        kpis = viewer.get(f"/mls/{MAC}/").context["kpis"]

    assert "Reaches owned" not in {k.label for k in kpis}


@pytest.mark.django_db
def test_the_overview_shows_and_downloads_the_forecast_and_the_renewals_callout(viewer, mls_source):
    growing_supervisor(mls_source)
    Entitlement.objects.create(kind="mls", key=MAC, owned=40, renews_on=TODAY + timedelta(days=12), reference="Q-9")

    with time_machine.travel(local_noon(TODAY), tick=False):
        response = viewer.get("/")
        download = viewer.get("/", {"format": "csv"})
        other_vendor = viewer.get("/", {"kind": "lstat"})

    (row,) = [r for r in response.context["rows"] if r.thing.key == MAC]
    assert row.forecast.label == "~11 weeks"
    (renewal,) = response.context["renewals"]
    assert (renewal["key"], renewal["days_left"], renewal["reaches_owned"]) == (f"mls:{MAC}", 12, 11)
    assert "Q-9" in response.content.decode()
    assert other_vendor.context["renewals"] == []  # the callout follows the overview's filters
    table = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    (line,) = [line for line in table[1:] if MAC in line[1]]
    assert line[table[0].index("Reaches owned in (weeks)")] == "11"
    assert line[table[0].index("Forecast")] == "~11 weeks"
