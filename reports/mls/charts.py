import plotly.graph_objects as go

from reports.charts.base import COLORS, band_traces, base_layout
from reports.heatmap import heatmap_figure, heatmap_trace


def mls_usage_figure(rows):
    x = [r["bucket"] for r in rows]
    fig = go.Figure()
    for key, label in (("used", "Used"), ("prepaid", "Prepaid"), ("metered", "Metered")):
        for trace in band_traces(x, rows, key, label, COLORS[key], band=key != "prepaid"):
            fig.add_trace(trace)
    return base_layout(fig)


def mls_heatmap_figure(heatmap, zone_name):
    """Mean hourly peak of used licenses per local weekday and hour (Plotly's figure schema, as a dict)."""
    if heatmap.empty:
        return None
    return heatmap_figure(heatmap_trace(heatmap, name="Used (mean hourly peak)"), zone_name=zone_name)
