"""The BigFix pages and their downloads, on data bigfix_fetched from the simulator."""

import io
import json
from datetime import date

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ingest.models import IngestRun
from ingest.services import run_fetch
from ingest.vendors.bigfix.models import BigfixSoftwareTitle, BigfixUsage
from tests.downloads import csv_rows
from tests.pages import figure

pytestmark = pytest.mark.django_db

DB2 = 40012  # IBM Db2 Advanced Server Edition in the simulator, a PVU product
RANGE = {"start": "2026-01-01", "end": "2026-03-31"}


def db_sum(**filters):
    return round(BigfixUsage.objects.filter(**filters).aggregate(s=Sum("peak_value"))["s"], 2)


def test_the_overview_charts_each_products_summed_peak_per_reporting_period(viewer, bigfix_fetched):
    page = viewer.get(reverse("reports:bigfix"), RANGE)

    assert page.status_code == 200
    traces = {t["name"]: t for t in figure(page)["data"]}
    assert "IBM Db2 Advanced Server Edition" in traces
    db2 = traces["IBM Db2 Advanced Server Edition"]
    assert db2["x"] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    march = db_sum(software_title_id=DB2, metric_name="PVU_SUB_CAP", reporting_period_start_date=date(2026, 3, 1))
    assert db2["y"][2] == march
    assert "RVU" not in json.dumps(figure(page)["layout"])  # the default metric is PVU_SUB_CAP


def test_the_metric_tabs_switch_the_chart_to_another_metric(viewer, bigfix_fetched):
    page = viewer.get(reverse("reports:bigfix"), {**RANGE, "metric": "RVU_FULL_CAP"})

    names = {t["name"] for t in figure(page)["data"]}
    assert names == {"BigFix Protection", "IBM Spectrum Protect"}
    assert "?start=2026-01-01&amp;end=2026-03-31&amp;metric=PVU_FULL_CAP" in page.content.decode()


def test_the_peak_table_holds_the_highest_period_of_every_product_and_metric(viewer, bigfix_fetched):
    rows = csv_rows(viewer.get(reverse("reports:bigfix"), {**RANGE, "format": "csv"}))

    header, body = rows[0], rows[1:]
    assert header[:4] == ["Product", "Publisher", "Metric", "Peak"]
    db2 = next(r for r in body if r[0] == "IBM Db2 Advanced Server Edition" and r[2] == "PVU_SUB_CAP")
    sums = {
        start: db_sum(software_title_id=DB2, metric_name="PVU_SUB_CAP", reporting_period_start_date=start)
        for start in (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1))
    }
    assert float(db2[3]) == max(sums.values())
    assert db2[4] == max(sums, key=sums.get).isoformat()
    assert len(body) == len(set(BigfixUsage.objects.values_list("software_title_id", "metric_name")))


def test_top_products_are_ranked_by_peak_and_download_as_charted(viewer, bigfix_fetched):
    page = viewer.get(reverse("reports:bigfix"), RANGE)
    bars = figure(page, "top-chart")["data"][0]

    rows = csv_rows(viewer.get(reverse("reports:bigfix"), {**RANGE, "table": "top", "format": "csv"}))[1:]

    assert [r[1] for r in rows] == bars["y"]
    assert [float(r[4]) for r in rows] == bars["x"] == sorted(bars["x"], reverse=True)
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]


def test_every_overview_table_downloads_as_xlsx_with_the_csv_rows(viewer, bigfix_fetched):
    for table in ("peaks", "series", "top", "systems"):
        query = {**RANGE, "table": table}
        as_csv = csv_rows(viewer.get(reverse("reports:bigfix"), {**query, "format": "csv"}))
        response = viewer.get(reverse("reports:bigfix"), {**query, "format": "xlsx"})
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
        cells = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        assert len(cells) == len(as_csv) > 1, table
        assert cells[0] == as_csv[0]


def test_the_product_page_drills_down_to_each_computer_system(viewer, bigfix_fetched, bigfix_source):
    url = reverse("reports:bigfix_product", args=[bigfix_source.pk, DB2])

    page = viewer.get(url, RANGE)

    assert page.status_code == 200
    systems = set(BigfixUsage.objects.filter(software_title_id=DB2).values_list("computer_system_id", flat=True))
    assert {t["name"] for t in figure(page)["data"]} == {f"System {s}" for s in systems}
    for s in systems:
        assert reverse("reports:bigfix_system", args=[bigfix_source.pk, s]) in page.content.decode()
    rows = csv_rows(viewer.get(url, {**RANGE, "format": "csv"}))[1:]
    assert len(rows) == BigfixUsage.objects.filter(software_title_id=DB2, metric_name="PVU_SUB_CAP").count()


def test_the_computer_system_page_lists_its_products(viewer, bigfix_fetched, bigfix_source):
    url = reverse("reports:bigfix_system", args=[bigfix_source.pk, 4])

    page = viewer.get(url, {**RANGE, "metric": "PVU_FULL_CAP"})

    assert page.status_code == 200
    rows = csv_rows(viewer.get(url, {**RANGE, "metric": "PVU_FULL_CAP", "format": "csv"}))[1:]
    assert len(rows) == BigfixUsage.objects.filter(computer_system_id=4, metric_name="PVU_FULL_CAP").count() > 0
    assert {float(r[5]) for r in rows} == {16 * 70.0}  # full capacity: every core of the host
    on_system = BigfixUsage.objects.filter(computer_system_id=4, metric_name="PVU_FULL_CAP")
    titles = set(on_system.values_list("software_title_id", flat=True))
    for title in titles:
        assert reverse("reports:bigfix_product", args=[bigfix_source.pk, title]) in page.content.decode()


def test_the_product_and_system_pages_say_when_each_peak_was(viewer, bigfix_fetched, bigfix_source):
    usage = BigfixUsage.objects.filter(software_title_id=DB2, metric_name="PVU_SUB_CAP").order_by("reporting_period_start_date", "computer_system_id").first()  # fmt: skip
    product_url = reverse("reports:bigfix_product", args=[bigfix_source.pk, DB2])
    system_url = reverse("reports:bigfix_system", args=[bigfix_source.pk, usage.computer_system_id])

    for url in (product_url, system_url):
        header, first, *_ = csv_rows(viewer.get(url, {**RANGE, "format": "csv", "metric": "PVU_SUB_CAP"}))
        row = dict(zip(header, first, strict=True))
        assert row["Peak date"] == usage.peak_date.isoformat()
        assert row["Peak time"] == timezone.localtime(usage.peak_time).isoformat()
        page = viewer.get(url, {**RANGE, "metric": "PVU_SUB_CAP"})
        hover = [d for trace in figure(page)["data"] for d in trace["customdata"]]
        shown = timezone.localtime(usage.peak_time).strftime("%Y-%m-%d %H:%M")
        assert f"peak on {usage.peak_date.isoformat()} (at {shown})" in hover
        assert usage.peak_date.isoformat() in page.content.decode()


def test_a_period_without_a_peak_date_says_so(viewer, sim, bigfix_source):
    sim.simulators["bigfix"].null_columns = {"peak_date", "peak_time"}
    assert run_fetch(bigfix_source).status == IngestRun.Status.SUCCEEDED
    url = reverse("reports:bigfix_product", args=[bigfix_source.pk, DB2])

    header, *rows = csv_rows(viewer.get(url, {**RANGE, "format": "csv"}))

    assert {(r[header.index("Peak date")], r[header.index("Peak time")]) for r in rows} == {("", "")}
    hover = {d for trace in figure(viewer.get(url, RANGE))["data"] for d in trace["customdata"]}
    assert hover == {"no peak date yet"}


def test_the_product_page_shows_the_publisher_and_its_guid(viewer, bigfix_fetched, bigfix_source):
    title = BigfixSoftwareTitle.objects.get(software_title_id=DB2)
    assert title.publisher_name and title.publisher_guid

    page = viewer.get(reverse("reports:bigfix_product", args=[bigfix_source.pk, DB2]), RANGE).content.decode()

    assert f'{title.publisher_name} <span title="Publisher GUID">({title.publisher_guid})</span>' in page


def test_unknown_products_and_systems_are_404(viewer, bigfix_fetched, bigfix_source):
    assert viewer.get(reverse("reports:bigfix_product", args=[bigfix_source.pk, 999])).status_code == 404
    assert viewer.get(reverse("reports:bigfix_system", args=[bigfix_source.pk, 999])).status_code == 404


@pytest.mark.parametrize(
    "query, message",
    [
        ({"metric": "PVU_MADE_UP"}, "Select a valid choice"),
        ({"start": "2026-13-01"}, "Enter a valid date"),
        ({"start": "2026-03-01", "end": "2026-01-01"}, "The start date must not be after the end date."),
    ],
)
def test_bad_query_parameters_render_the_page_again_with_the_error_and_a_400(viewer, bigfix_fetched, query, message):
    page = viewer.get(reverse("reports:bigfix"), query)

    assert page.status_code == 400
    assert message in page.content.decode()


def test_an_unknown_table_or_format_is_a_400(viewer, bigfix_fetched):
    assert viewer.get(reverse("reports:bigfix"), {"table": "nope", "format": "csv"}).status_code == 400
    assert viewer.get(reverse("reports:bigfix"), {"format": "docx"}).status_code == 400


def test_the_home_page_card_lists_the_top_products(viewer, bigfix_fetched):
    page = viewer.get(reverse("reports:home"))

    assert page.status_code == 200
    assert "top products by peak PVU, sub-capacity" in page.content.decode()


def test_the_pages_need_a_login(client, bigfix_fetched):
    page = client.get(reverse("reports:bigfix"))

    assert page.status_code == 302
    assert "/login/" in page["Location"]


def test_the_overview_says_so_when_nothing_is_stored(viewer):
    page = viewer.get(reverse("reports:bigfix"))

    assert page.status_code == 200
    assert "No BigFix license usage" in page.content.decode()


def test_monthly_reporting_periods_offer_no_granularity_to_choose(viewer, bigfix_fetched):
    html = viewer.get("/bigfix/").content.decode()

    assert '<input type="hidden" name="granularity"' in html
    assert '<select name="granularity"' not in html
