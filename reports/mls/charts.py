from reports.charts.base import COLORS, band_traces, base_layout, figure, legend_note, mark_running, running_since
from reports.heatmap import heatmap_figure, heatmap_trace, office_shapes

TRACES = 7  # the used and metered bands (max, min, avg each) and the prepaid average


def mls_usage_figure(rows, note, granularity):
    """The used and metered min-max bands with their averages (`note`: what they are over), the prepaid average;
    a bucket still running (`granularity`'s: this hour, today, ...) dotted."""
    x = [r["bucket"] for r in rows]
    data = []
    for key, label in (("used", "Used"), ("prepaid", "Prepaid"), ("metered", "Metered")):
        data += band_traces(x, rows, key, label, COLORS[key], band=key != "prepaid")
    fig = figure(data, legend_note(base_layout(), note))
    return mark_running(fig, running_since(x, granularity), what=granularity)


def mls_heatmap_figure(heatmap, zone_name, office=None):
    """Mean hourly peak of used licenses per local weekday and hour (Plotly's figure schema, as a dict)."""
    if heatmap.empty:
        return None
    trace = heatmap_trace(heatmap, name="Used (mean hourly peak)")
    return heatmap_figure(trace, zone_name=zone_name, shapes=office_shapes(heatmap, office))
