"""The emailed charts: the page's own figures (dicts in Plotly's schema, and those a page embeds as JSON) as PNG."""

from ingest.services import run_fetch
from reports.subscriptions.capture import capture
from reports.subscriptions.charts import figure_pngs, report_figures
from tests.browser import BROWSER_TEST, CHROMIUM

pytestmark = BROWSER_TEST


def test_a_reports_figures_export_as_pngs(bigfix_source, settings):
    assert run_fetch(bigfix_source).error == ""
    settings.CHROMIUM = CHROMIUM
    report = capture("/bigfix/?start=2026-01-01&end=2026-03-04").report

    figures = report_figures(report)
    pngs = figure_pngs(figures)

    assert isinstance(report["figure"], dict) and isinstance(report["top_json"], str)  # the chart, the top products
    assert len(pngs) == len(figures) == 2
    assert all(png.startswith(b"\x89PNG\r\n") and len(png) > 5000 for png in pngs)
