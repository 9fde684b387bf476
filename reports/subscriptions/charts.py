"""Charts as PNG for email: plotly figures exported by kaleido, which drives the system Chromium.

kaleido's page loads nothing from the network: plotly.js from plotly.py's own copy (a missing file fails the
export rather than fall back to its CDN), MathJax off (its default is a public CDN), and Chromium started by
reports/charts/offline-chromium, without background requests or DNS. The figures' texts are
escaped by the chart builder (reports/charts/base.py), so no name can make Chromium fetch a URL either.
"""

import json
import logging
import os
from pathlib import Path

import kaleido
import plotly
from django.conf import settings

from reports.charts.base import to_json

log = logging.getLogger(__name__)


PLOTLY_JS = str(Path(plotly.__file__).parent / "package_data" / "plotly.min.js")
# kaleido starts this wrapper, which runs settings.CHROMIUM with its background networking and DNS off.
OFFLINE_CHROMIUM = str(Path(__file__).resolve().parent.parent / "charts" / "offline-chromium")


class ChartsUnavailable(Exception):
    pass


def report_figures(report):
    """Every chart of a captured report: its figure, then any other figure its page embeds as JSON."""
    figures = [report["figure"]] if report.get("figure") is not None else []
    for key, value in report.items():
        if key.endswith("_json") and key != "figure_json" and isinstance(value, str) and value:
            figures.append(json.loads(value))  # a dict in Plotly's figure schema, as the page's own
    return figures


def figure_pngs(figures):
    """PNG bytes of each figure, or ChartsUnavailable saying why (no Chromium, kaleido failed)."""
    if not figures:
        return []
    chromium = settings.CHROMIUM
    if not chromium or not os.path.exists(chromium):
        raise ChartsUnavailable(f"Chromium was not found at {chromium or '(CHROMIUM not set)'}")
    os.environ["METERBOARD_CHROMIUM"] = chromium
    kopts = {"path": OFFLINE_CHROMIUM, "plotlyjs": PLOTLY_JS, "mathjax": False}
    try:
        return [
            kaleido.calc_fig_sync(
                json.loads(to_json(figure)), opts={"format": "png", "width": 900, "height": 420}, kopts=dict(kopts)
            )
            for figure in figures
        ]
    except Exception as exc:  # kaleido's and Chromium's many ways to fail all mean the same here
        log.warning("Exporting charts failed: %s: %s", type(exc).__name__, exc)
        raise ChartsUnavailable(f"exporting the charts failed ({type(exc).__name__})") from None
