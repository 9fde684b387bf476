"""The emailed charts: the report's own figures (dicts in Plotly's schema: its chart and its second ones) as PNG."""

from ingest.services import run_fetch
from reports.subscriptions.capture import capture
from reports.subscriptions.charts import figure_pngs
from tests.browser import BROWSER_TEST, CHROMIUM

pytestmark = BROWSER_TEST


def test_a_reports_figures_export_as_pngs(bigfix_source, settings):
    assert run_fetch(bigfix_source).error == ""
    settings.CHROMIUM = CHROMIUM
    report = capture("/bigfix/?start=2026-01-01&end=2026-03-04")

    figures = report.figures()
    pngs = figure_pngs(figures)

    assert all(isinstance(figure, dict) for figure in figures)  # the chart, the top products
    assert len(pngs) == len(figures) == 2
    assert all(png.startswith(b"\x89PNG\r\n") and len(png) > 5000 for png in pngs)
