"""Charts as PNG for email: plotly figures exported by kaleido, which drives the system Chromium."""

import json
import logging
import os

import plotly.io as pio
from django.conf import settings

log = logging.getLogger(__name__)


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
    os.environ["BROWSER_PATH"] = chromium
    try:
        return [pio.to_image(figure, format="png", width=900, height=420) for figure in figures]
    except Exception as exc:  # kaleido's and Chromium's many ways to fail all mean the same here
        log.warning("Exporting charts failed: %s: %s", type(exc).__name__, exc)
        raise ChartsUnavailable(f"exporting the charts failed ({type(exc).__name__})") from None
