import plotly.graph_objects as go

from reports.charts.base import COLORS, band_traces, base_layout


def mls_usage_figure(rows):
    x = [r["bucket"] for r in rows]
    fig = go.Figure()
    for key, label in (("used", "Used"), ("prepaid", "Prepaid"), ("metered", "Metered")):
        for trace in band_traces(x, rows, key, label, COLORS[key], band=key != "prepaid"):
            fig.add_trace(trace)
    return base_layout(fig)
