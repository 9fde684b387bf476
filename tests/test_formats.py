"""How numbers, codes, days and error pages read: labels and formats shared by pages, PDFs and emails."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone
from django.views.defaults import server_error

from dashboard.formats import BIGFIX_METRICS, ago, metric_label, number_text
from dashboard.tables import Column, Kpi, Table, days_only, kind_of
from reports.charts.base import count_axis
from reports.subscriptions.email import shown_rows, summary_figures


def test_every_bigfix_metric_of_the_document_reads_as_words():
    assert metric_label("PVU_SUB_CAP") == "PVU, sub-capacity"
    assert metric_label("PVU_FULL_CAP") == "PVU, full capacity"
    assert metric_label("RVU_SUB_CAP") == "RVU, sub-capacity"
    assert metric_label("RVU_FULL_CAP") == "RVU, full capacity"
    assert all("_" not in label for label in BIGFIX_METRICS.values())
    assert metric_label("AUTHORIZED_USER") == "AUTHORIZED_USER"  # a code the document does not name stays as it is


@pytest.mark.parametrize(
    "value, kind, shown",
    [
        (1549, "", "1,549"),
        (5155.75, "", "5,155.75"),
        (12.0, "", "12"),  # a whole float peak is a count
        (3.0, "decimal", "3.00"),  # a column of averages keeps its decimals
        (36181, "id", "36181"),
        (100.0, "percent", "100.0 %"),
        ("PVU", "", "PVU"),
        (None, "", None),
    ],
)
def test_numbers_read_with_separators_and_consistent_decimals(value, kind, shown):
    assert number_text(value, kind) == shown


def test_whole_floats_download_as_integers_and_mixed_columns_as_decimals():
    assert kind_of(("peak", "Peak"), [0.0, 12.0, 3.0]) == "int"
    assert kind_of(("avg", "Avg"), [1.0, 2.5]) == "decimal"


def test_a_summary_leads_with_the_name_and_puts_a_percent_on_utilization():
    summary = {"pk": 1, "feature": "MATLAB", "total": 1549, "peak": 20, "utilization": 100.0}
    pairs, _table = summary_figures(summary)
    assert pairs[0] == ("Feature", "MATLAB")
    assert ("Utilization %", "100.0 %") in pairs and ("Total", "1,549") in pairs
    assert all(label != "Pk" for label, _value in pairs)
    _pairs, table = summary_figures([summary, {**summary, "pk": 2, "feature": "Simulink"}])
    assert table["labels"][0] == "Feature" and "Pk" not in table["labels"] and "pk" not in table["labels"]


def test_a_page_table_and_an_email_show_daily_rows_as_dates_and_counts_with_separators():
    zone = timezone.get_current_timezone()
    days = [datetime(2026, 3, d, tzinfo=zone) for d in (2, 3)]
    rows = [{"bucket": day, "used": 1549, "metric": "PVU_SUB_CAP"} for day in days]
    table = Table([Column("bucket", "Day"), Column("used", "Used"), Column("metric", "Metric")], rows)
    assert [cell.value for cell in table.body[0].cells] == ["2026-03-02", "1,549", "PVU_SUB_CAP"]
    assert shown_rows([("bucket", "Day"), ("used", "Used"), ("metric", "Metric")], rows)[1] == [
        "2026-03-03",
        "1,549",
        "PVU, sub-capacity",
    ]
    hours = [datetime(2026, 3, 2, h, tzinfo=zone) for h in (0, 1)]
    assert not days_only(hours) and days_only(days)


def test_a_kpi_shows_its_number_by_its_kind():
    assert Kpi("Peak", 1549).shown == "1,549" and Kpi("Average", 2.0, kind="decimal").shown == "2.00"


def test_count_axes_tick_whole_numbers():
    assert count_axis([0, 3, 1])["dtick"] == 1
    assert "dtick" not in count_axis([0, 400]) and count_axis([0, 400])["tickformat"] == ",d"


def test_relative_times_say_just_now_and_name_the_unit():
    now = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
    assert ago(now - timedelta(seconds=20), now) == "just now"
    assert ago(now - timedelta(minutes=5), now) == "5 minutes ago"


def test_a_viewer_on_an_admin_page_gets_a_403_in_the_site_layout(viewer):
    page = viewer.get("/alerts/")
    assert page.status_code == 403
    html = page.content.decode()
    assert 'class="topbar"' in html and "css/app.css" in html and "Not allowed" in html and 'rel="icon"' in html


def test_an_unknown_page_is_a_404_in_the_site_layout(viewer):
    page = viewer.get("/no-such-page/")
    assert page.status_code == 404
    assert 'class="topbar"' in page.content.decode() and "Resolver404" not in page.content.decode()


def test_the_500_page_is_in_the_site_layout_without_the_database(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500 and 'class="topbar"' in html and "css/app.css" in html


def test_browsers_asking_for_favicon_ico_get_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("favicon.svg")
