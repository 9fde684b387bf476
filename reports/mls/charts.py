from reports.charts.base import COLORS, band_traces, base_layout, figure
from reports.heatmap import heatmap_figure, heatmap_trace

TRACES = 7  # the used and metered bands (max, min, avg each) and the prepaid average


def mls_usage_figure(rows):
    x = [r["bucket"] for r in rows]
    data = []
    for key, label in (("used", "Used"), ("prepaid", "Prepaid"), ("metered", "Metered")):
        data += band_traces(x, rows, key, label, COLORS[key], band=key != "prepaid")
    return figure(data, base_layout())


def mls_heatmap_figure(heatmap, zone_name):
    """Mean hourly peak of used licenses per local weekday and hour (Plotly's figure schema, as a dict)."""
    if heatmap.empty:
        return None
    return heatmap_figure(heatmap_trace(heatmap, name="Used (mean hourly peak)"), zone_name=zone_name)
