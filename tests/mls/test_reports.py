"""The supervisor report: its chart, its summary and its downloads show the same rows."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from ingest.vendors.mls.models import MlsRecord
from tests.conftest import MAC_A, SIM_END
from tests.downloads import comparable, csv_rows, xlsx_rows
from tests.pages import figure

pytestmark = pytest.mark.django_db

URL = f"/mls/{MAC_A}/"


def test_every_page_requires_login(client, mls_fetched):
    for url in ["/", "/mls/", URL, "/sources/", f"{URL}?format=csv"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/"), url


def test_the_supervisor_page_charts_hourly_min_avg_max(viewer, mls_fetched):
    response = viewer.get(URL, {"start": "2026-03-03", "end": "2026-03-03", "granularity": "hour"})

    assert response.status_code == 200
    traces = {t["name"]: t for t in figure(response)["data"]}
    assert {"Used avg", "Used min–max", "Prepaid avg", "Metered avg", "Metered min–max"} <= set(traces)
    assert len(traces["Used avg"]["x"]) == 24
    assert response.context["summary"]["used_peak"] == max(r["used_max"] for r in response.context["rows"])


def test_the_summary_is_the_peak_and_minute_weighted_average_of_the_records(viewer, mls_fetched):
    response = viewer.get(URL, {"start": "2026-03-03", "end": "2026-03-03", "granularity": "day"})

    day_start = timezone.make_aware(datetime(2026, 3, 3))  # midnight in the display zone
    used = [
        r.lic_used
        for r in MlsRecord.objects.filter(supervisor__macaddress=MAC_A)
        if day_start <= datetime.combine(r.ts_date, r.ts_time, tzinfo=UTC) < day_start + timedelta(days=1)
    ]
    summary = response.context["summary"]
    assert summary["used_peak"] == max(used)
    assert summary["used_avg"] == pytest.approx(sum(used) / len(used), abs=0.01)
    assert summary["minutes"] == 1440


def test_the_csv_holds_exactly_the_rows_the_chart_shows(viewer, mls_fetched):
    query = {"start": "2026-03-02", "end": "2026-03-04", "granularity": "hour"}
    page = viewer.get(URL, query)

    response = viewer.get(URL, {**query, "format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="mls-001A2B3C4D5E-2026-03-02-2026-03-04-hour.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    used_avg = next(t for t in figure(page)["data"] if t["name"] == "Used avg")
    assert len(rows) == len(used_avg["y"]) == 48  # the history runs from noon on the 2nd to noon on the 4th
    assert [float(r["Used avg"]) for r in rows] == used_avg["y"]
    # the history starts two days before the end, shown in the display zone
    assert rows[0]["Period start"] == timezone.localtime(SIM_END - timedelta(days=2)).isoformat()
    assert list(rows[0]) == [
        "Period start", "Minutes", "Used min", "Used avg", "Used max", "Prepaid min", "Prepaid avg", "Prepaid max",
        "Metered min", "Metered avg", "Metered max",
    ]  # fmt: skip


def test_the_xlsx_holds_the_same_rows_as_the_csv(viewer, mls_fetched):
    query = {"start": "2026-03-02", "end": "2026-03-04", "granularity": "day"}
    as_csv = csv_rows(viewer.get(URL, {**query, "format": "csv"}))

    as_xlsx = xlsx_rows(viewer.get(URL, {**query, "format": "xlsx"}))

    assert len(as_xlsx) == len(as_csv) == 4
    assert comparable(as_xlsx) == comparable(as_csv)


def test_week_and_month_buckets_combine_the_days(viewer, mls_fetched):
    response = viewer.get(URL, {"start": "2026-03-01", "end": "2026-03-31", "granularity": "month"})

    (month,) = response.context["rows"]
    assert month["samples"] == MlsRecord.objects.filter(supervisor__macaddress=MAC_A).count()


def test_a_range_too_long_for_hourly_points_falls_back_to_days_and_says_so(viewer, mls_fetched):
    response = viewer.get(URL, {"start": "2025-01-01", "end": "2026-03-04", "granularity": "hour"})

    assert response.context["period"].granularity == "day"
    assert "would exceed 5,000 points; showing day buckets" in response.content.decode()


@pytest.mark.parametrize(
    "query, message",
    [
        ({"start": "2026-13-01"}, "Enter a valid date"),
        ({"start": "2026-03-04", "end": "2026-03-01"}, "The start date must not be after the end date"),
        ({"granularity": "fortnight"}, "Select a valid choice"),
    ],
)
def test_bad_query_parameters_get_a_clear_400(viewer, mls_fetched, query, message):
    response = viewer.get(URL, query)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_unknown_download_format_is_a_400(viewer, mls_fetched):
    response = viewer.get(URL, {"format": "docx"})

    assert response.status_code == 400
    assert "choose csv, xlsx or pdf" in response.content.decode()


def test_the_stored_minutes_download_only_as_csv_or_xlsx(viewer, mls_fetched):
    response = viewer.get(URL, {"table": "raw", "format": "pdf"})

    assert response.status_code == 400
    assert "choose csv or xlsx" in response.content.decode()


def test_an_unknown_supervisor_is_a_404(viewer, mls_fetched):
    assert viewer.get("/mls/00:00:00:00:00:01/").status_code == 404
    assert viewer.get("/mls/not-a-mac/").status_code == 404


def test_the_supervisor_list_links_every_supervisor(viewer, mls_fetched):
    response = viewer.get("/mls/")

    assert URL.encode() in response.content
    assert b"test-mls" in response.content


def test_the_date_boxes_show_the_default_range_in_effect(viewer, mls_fetched):
    response = viewer.get(URL)

    html = response.content.decode()
    assert 'name="end" value="2026-03-04"' in html
    assert 'name="start" value="2026-02-03"' in html  # 30 days up to the last day with data
