"""Figures of the License Statistics pages."""

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from reports.charts.base import COLORS, _rgba, band_traces, base_layout
from reports.heatmap import ORANGES, heatmap_figure, heatmap_trace

SERIES = ["#2563eb", "#16a34a", "#dc2626", "#9333ea", "#f97316", "#0891b2", "#ca8a04", "#db2777", "#4b5563"]
COMPARE_METRICS = {
    "used_max": "Used max",
    "used_avg": "Used avg",
    "utilization": "Utilization % (max / total)",
    "denials": "Denials",
    "hours_used": "Hours used",
}


def lstat_feature_figure(rows):
    """Used min-avg-max band, total seats, borrowed, and denials as bars on a second axis."""
    x = [r["bucket"] for r in rows]
    fig = go.Figure()
    for trace in band_traces(x, rows, "used", "Used", COLORS["used"]):
        fig.add_trace(trace)
    fig.add_trace(go.Scatter(
        x=x, y=[r["total"] for r in rows], mode="lines", name="Total seats",
        line={"color": COLORS["total"], "width": 1.5, "dash": "dash", "shape": "hv"},
    ))  # fmt: skip
    fig.add_trace(go.Scatter(
        x=x, y=[r["borrowed_max"] for r in rows], mode="lines", name="Borrowed max",
        line={"color": COLORS["borrowed"], "width": 1.5},
    ))  # fmt: skip
    fig.add_trace(go.Bar(
        x=x, y=[r["denials"] for r in rows], name="Denials", yaxis="y2",
        marker={"color": _rgba(COLORS["denials"], 0.55)},
    ))  # fmt: skip
    base_layout(fig)
    fig.update_layout(
        yaxis2={"title": "Denials", "overlaying": "y", "side": "right", "rangemode": "tozero", "showgrid": False},
        margin={"r": 60},
        barmode="overlay",
    )
    return fig


def lstat_server_figure(features, rows, columns=2):
    """Small multiples: one panel per feature with its used band and total seats."""
    by_feature = {}
    for r in rows:
        by_feature.setdefault(r["feature_id"], []).append(r)
    shown = [f for f in features if f["pk"] in by_feature]
    if not shown:
        return None
    n_rows = -(-len(shown) // columns)
    fig = make_subplots(
        rows=n_rows, cols=columns, subplot_titles=[f["feature"] for f in shown], shared_xaxes=True,
        vertical_spacing=min(0.12, 0.5 / n_rows), horizontal_spacing=0.08,
        specs=[[{"secondary_y": True}] * columns for _ in range(n_rows)],
    )  # fmt: skip
    for i, f in enumerate(shown):
        _add_panel(fig, by_feature[f["pk"]], row=i // columns + 1, col=i % columns + 1, legend=i == 0)
    base_layout(fig)
    fig.update_layout(
        height=max(320, 260 * n_rows), barmode="overlay", legend={"y": -0.3 / n_rows}, margin={"t": 40, "r": 50}
    )
    fig.update_yaxes(rangemode="tozero", title=None, secondary_y=False)
    fig.update_yaxes(
        rangemode="tozero", title=None, showgrid=False, secondary_y=True, tickfont={"color": COLORS["denials"]}
    )
    return fig


def _add_panel(fig, rows, *, row, col, legend):
    """One feature's panel: used band and average, total seats, and denials on the panel's right axis."""
    x = [r["bucket"] for r in rows]
    for trace in band_traces(x, rows, "used", "Used", COLORS["used"]):
        trace.showlegend = legend and trace.showlegend is not False
        fig.add_trace(trace, row=row, col=col)
    fig.add_trace(go.Scatter(
        x=x, y=[r["total"] for r in rows], mode="lines", name="Total seats", showlegend=legend,
        legendgroup="total", line={"color": COLORS["total"], "width": 1.2, "dash": "dash", "shape": "hv"},
    ), row=row, col=col)  # fmt: skip
    fig.add_trace(go.Bar(
        x=x, y=[r["denials"] for r in rows], name="Denials (right axis)", showlegend=legend, legendgroup="denials",
        marker={"color": _rgba(COLORS["denials"], 0.45)},
    ), row=row, col=col, secondary_y=True)  # fmt: skip


def lstat_compare_figure(rows, metric):
    """One line per feature of the chosen metric."""
    fig = go.Figure()
    by_feature = {}
    for r in rows:
        by_feature.setdefault(r["feature"], []).append(r)
    for i, (label, mine) in enumerate(by_feature.items()):
        fig.add_trace(go.Scatter(
            x=[r["bucket"] for r in mine], y=[r[metric] for r in mine], mode="lines", name=label,
            line={"color": SERIES[i % len(SERIES)], "width": 2},
        ))  # fmt: skip
    return base_layout(fig, yaxis_title=COMPARE_METRICS[metric])


def lstat_top_users_figure(rows):
    """Horizontal bars, the top user on top."""
    fig = go.Figure(go.Bar(
        x=[r["licenses"] for r in rows][::-1], y=[r["user"] for r in rows][::-1], orientation="h",
        marker={"color": COLORS["used"]}, hovertemplate="%{y}: %{x} licenses<extra></extra>",
    ))  # fmt: skip
    base_layout(fig, yaxis_title=None)
    fig.update_layout(
        xaxis={"title": "Licenses held at once (highest in the last 13 days)"},
        height=max(260, 36 * len(rows) + 80),
        hovermode="closest",
    )
    return fig


def lstat_heatmap_figure(heatmap, zone_name, *, denials=False):
    """Mean hourly used (or total denials) per local weekday and hour (Plotly's figure schema, as a dict)."""
    if heatmap.empty or (denials and not any(any(row) for row in heatmap.z)):
        return None
    if denials:
        trace = heatmap_trace(heatmap, name="Denials (total)", colorscale=ORANGES)
    else:
        trace = heatmap_trace(heatmap, name="Used (mean hourly max)")
    return heatmap_figure(trace, zone_name=zone_name)
