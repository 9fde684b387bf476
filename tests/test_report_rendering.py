"""What a report page sends: charts as compact JSON within the point caps, tables a page at a time, gzip."""

import csv
import gzip
import io
import json
import math
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ingest.services import run_fetch
from ingest.vendors.lstat.models import LstatServer
from reports.charts.base import points
from reports.periods import MAX_POINTS_PER_PAGE, Period, chart_period
from reports.renderers import figure_json
from tests.conftest import MAC_A
from tests.downloads import csv_dicts
from tests.pages import figure

URL = f"/mls/{MAC_A}/"
TWO_DAYS = {"start": "2026-03-02", "end": "2026-03-04", "granularity": "hour"}  # 48 hours of minutes


def test_a_figure_is_compact_json_safe_in_a_script_element():
    fig = {
        "data": [{"x": [datetime(2026, 3, 2, 9, tzinfo=UTC), date(2026, 3, 3)], "y": [1 / 3, math.nan],
                  "name": "</script><b>"}],
        "layout": {},
    }  # fmt: skip

    text = figure_json(fig)

    assert "</script>" not in text and "<b>" not in text and ", " not in text
    assert json.loads(text)["data"][0] == {
        "x": ["2026-03-02T09:00:00+00:00", "2026-03-03"], "y": [0.333333, None], "name": "</script><b>",
    }  # fmt: skip


@pytest.mark.parametrize("traces", [1, 7, 9, 50])
def test_ten_years_of_hours_are_charted_in_buckets_that_keep_within_the_point_caps(settings, traces):
    ten_years = Period(date(2016, 3, 5), date(2026, 3, 4), "hour")

    chart = chart_period(ten_years, traces)

    per_trace = (chart.end - chart.start).days * 24 // {"day": 24, "week": 24 * 7, "month": 24 * 28}[chart.granularity]
    assert per_trace <= settings.MAX_POINTS_PER_TRACE and per_trace * traces <= MAX_POINTS_PER_PAGE
    assert "The table and downloads keep hour rows" in chart.note


def test_a_ten_year_hourly_page_draws_at_most_5000_points_per_trace(viewer, mls_fetched):
    response = viewer.get(URL, {"start": "2016-03-05", "end": "2026-03-04", "granularity": "hour"})

    assert response.status_code == 200
    chart = figure(response)
    assert all(len(trace["x"]) <= 5000 for trace in chart["data"])
    assert points(chart) <= MAX_POINTS_PER_PAGE
    html = response.content.decode()
    assert html.count("showing day buckets") == 1  # the form's note, once
    assert "The chart shows week buckets: day buckets over 3652 days would draw 25,564 points" in html


def test_a_chart_with_too_many_points_reads_coarser_buckets_and_says_so(viewer, mls_fetched, monkeypatch):
    monkeypatch.setattr("reports.periods.MAX_POINTS_PER_PAGE", 100)  # 7 traces of 72 hours: 504 points

    page = viewer.get(URL, TWO_DAYS)
    download = csv_dicts(viewer.get(URL, {**TWO_DAYS, "format": "csv"}))

    used = next(t for t in figure(page)["data"] if t["name"] == "Used avg")
    assert [x[:10] for x in used["x"]] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    assert "The chart shows day buckets" in page.content.decode()
    assert len(page.context["rows"]) == len(download) == 48  # the table and the download keep hours


def test_a_download_builds_no_figure(viewer, mls_fetched, monkeypatch, settings):
    monkeypatch.setattr("reports.periods.MAX_POINTS_PER_PAGE", 100)  # the chart would read day rows: a query more
    settings.CHART_CACHE_SECONDS = 0  # every query runs, so the queries say what each response built

    with CaptureQueriesContext(connection) as page_queries:
        viewer.get(URL, TWO_DAYS)
    with CaptureQueriesContext(connection) as csv_queries:
        csv_dicts(viewer.get(URL, {**TWO_DAYS, "format": "csv"}))

    page, download = ([q["sql"] for q in c.captured_queries if "mlsrollup" in q["sql"].lower()] for c in (page_queries, csv_queries))  # fmt: skip
    assert len(download) == 2  # the latest day, then the rows: no chart rows, no heatmap
    assert len(page) == 5  # and the chart's day rows, the heatmap's hours and the forecast's weekly peaks


def test_a_long_table_shows_a_page_of_rows_with_links_that_keep_the_query(viewer, mls_fetched, monkeypatch):
    monkeypatch.setattr("dashboard.tables.PAGE_SIZE", 10)

    first, second = viewer.get(URL, TWO_DAYS), viewer.get(URL, {**TWO_DAYS, "page": "2"})

    assert [r.object for r in first.context["table"].body] == first.context["rows"][:10]
    assert [r.object for r in second.context["table"].body] == first.context["rows"][10:20]
    html = second.content.decode()
    assert "Rows 11–20 of 48" in html
    assert 'href="?start=2026-03-02&amp;end=2026-03-04&amp;granularity=hour&amp;page=3#rows"' in html
    assert len(csv_dicts(viewer.get(URL, {**TWO_DAYS, "page": "2", "format": "csv"}))) == 48  # downloads: all rows


@pytest.mark.parametrize(("page", "shown"), [("abc", "Rows 1–10 of 48"), ("-3", "Rows 1–10 of 48"),
                                             ("999", "Rows 41–48 of 48"), ("", "Rows 1–10 of 48")])  # fmt: skip
def test_a_page_number_that_is_no_page_shows_the_nearest_page(viewer, mls_fetched, monkeypatch, page, shown):
    monkeypatch.setattr("dashboard.tables.PAGE_SIZE", 10)

    response = viewer.get(URL, {**TWO_DAYS, "page": page})

    assert response.status_code == 200 and shown in response.content.decode()


def test_sorting_a_long_table_sorts_every_row_on_the_server(viewer, mls_fetched, monkeypatch):
    monkeypatch.setattr("dashboard.tables.PAGE_SIZE", 10)

    response = viewer.get(URL, {**TWO_DAYS, "sort": "-used_avg"})

    shown = [r.object["used_avg"] for r in response.context["table"].body]
    every = sorted((r["used_avg"] for r in response.context["rows"]), reverse=True)
    assert shown == every[:10]
    html = response.content.decode()
    assert 'data-sort="desc">Used avg</a>' in html  # its heading now sorts ascending
    assert "sort=used_avg" in html and 'class="data sortable"' not in html  # the server sorts, not the script


def test_each_table_of_a_page_with_several_has_its_own_page(sim, lstat_clock, lstat_source, viewer, monkeypatch):
    assert run_fetch(lstat_source).error == ""
    monkeypatch.setattr("dashboard.tables.PAGE_SIZE", 1)
    url = reverse("reports:lstat_server", args=[LstatServer.objects.get(lsid=1).pk])

    first, second = (
        viewer.get(url, {"granularity": "day"}),
        viewer.get(url, {"granularity": "day", "summary_page": "2"}),
    )

    summary = first.context["tables"]["summary"]
    assert [r.object for r in summary["table"].body] == summary["rows"][:1]
    assert [r.object for r in second.context["tables"]["summary"]["table"].body] == summary["rows"][1:2]
    assert "summary_page=2" in first.content.decode()


def test_a_report_page_is_served_gzip_when_the_browser_accepts_it(viewer, mls_fetched):
    response = viewer.get(URL, TWO_DAYS, HTTP_ACCEPT_ENCODING="gzip, deflate")

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert "Content-Security-Policy" in response
    assert b'id="chart-data"' in gzip.decompress(response.content)


def test_a_streamed_download_is_compressed_too(viewer, mls_fetched):
    response = viewer.get(URL, {**TWO_DAYS, "format": "csv"}, HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(b"".join(response.streaming_content)).decode())))
    assert len(rows) == 48
