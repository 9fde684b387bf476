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


# An email's charts are at most 560 px wide (its 600 px card, less padding) and read on phones: drawn 520 px wide,
# so the axes' text stays legible when a phone shrinks them, at twice the pixels for sharp screens.
PNG = {"format": "png", "width": 520, "height": 400, "scale": 2}


class ChartsUnavailable(Exception):
    pass


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
        return [kaleido.calc_fig_sync(json.loads(to_json(figure)), opts=PNG, kopts=dict(kopts)) for figure in figures]
    except Exception as exc:  # kaleido's and Chromium's many ways to fail all mean the same here
        log.warning("Exporting charts failed: %s: %s", type(exc).__name__, exc)
        raise ChartsUnavailable(f"exporting the charts failed ({type(exc).__name__})") from None
