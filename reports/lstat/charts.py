"""Figures of the License Statistics pages."""

from reports.charts.base import (
    COLORS,
    _rgba,
    band_traces,
    bar,
    base_layout,
    count_axis,
    figure,
    legend_note,
    line,
    mark_running,
    running_since,
)
from reports.heatmap import ORANGES, heatmap_figure, heatmap_trace, office_shapes

SERIES = ["#2563eb", "#16a34a", "#dc2626", "#9333ea", "#f97316", "#0891b2", "#ca8a04", "#db2777", "#4b5563"]
COMPARE_METRICS = {
    "used_max": "Used max",
    "used_avg": "Used avg",
    "utilization": "Utilization % (max / total)",
    "denials": "Denials",
    "hours_used": "Hours used",
}
FEATURE_TRACES = 6  # the used band (3), total seats, borrowed, denials
PANEL_TRACES = 5  # a server page's panel per feature: the used band (3), total seats, denials


def lstat_feature_figure(rows, *, note="", granularity=None):
    """Used min-avg-max band (`note`: what the average is over), total seats, borrowed, and denials as bars on a
    second axis."""
    x = [r["bucket"] for r in rows]
    data = band_traces(x, rows, "used", "Used", COLORS["used"])
    data += [
        line(x, [r["total"] for r in rows], "Total seats",
             line={"color": COLORS["total"], "width": 1.5, "dash": "dash", "shape": "hv"}),
        line(x, [r["borrowed_max"] for r in rows], "Borrowed max", line={"color": COLORS["borrowed"], "width": 1.5}),
        bar(x, [r["denials"] for r in rows], "Denials", yaxis="y2", marker={"color": _rgba(COLORS["denials"], 0.55)}),
    ]  # fmt: skip
    layout = legend_note(base_layout(), note)
    layout["yaxis2"] = count_axis(
        [r["denials"] for r in rows], title={"text": "Denials"}, overlaying="y", side="right", showgrid=False
    )
    layout["margin"]["r"] = 60
    layout["barmode"] = "overlay"
    return running(figure(data, layout), x, granularity)


def running(fig, x, granularity):
    """The figure with its bucket still running (this hour, today, ...) dotted or pale, where it has one."""
    return mark_running(fig, running_since(x, granularity), what=granularity) if granularity else fig


def lstat_server_figure(features, rows, columns=2, *, note="", granularity=None):
    """Small multiples: one panel per feature with its used band and total seats (a grid of axes, as
    plotly's make_subplots lays it out: x axes shared, denials on each panel's right axis)."""
    by_feature = {}
    for r in rows:
        by_feature.setdefault(r["feature_id"], []).append(r)
    shown = [f for f in features if f["pk"] in by_feature]
    if not shown:
        return None
    n_rows = -(-len(shown) // columns)
    layout = base_layout()
    layout.update(
        height=max(320, 260 * n_rows), barmode="overlay",
        legend={"orientation": "h", "y": -0.3 / n_rows},
        margin={"l": 50, "r": 50, "t": 40, "b": 40}, annotations=[],
    )  # fmt: skip
    legend_note(layout, note)
    data = []
    for i, f in enumerate(shown):
        data += _panel(layout, i, by_feature[f["pk"]], title=f["feature"], grid=(n_rows, columns), count=len(shown))
    marked = running(figure(data, layout), [r["bucket"] for r in rows], granularity)
    if len(marked["layout"]["annotations"]) > len(shown):  # the running note: above the panels' titles
        marked["layout"]["margin"]["t"] = 64
        marked["layout"]["annotations"][-1]["y"] = 1 + 30 / (marked["layout"]["height"] - 104)
    return marked


def _panel(layout, i, rows, *, title, grid, count):
    """One feature's axes (panel i of the grid) and traces: used band and average, total seats, denials."""
    n_rows, columns = grid
    row, col = divmod(i, columns)
    h_gap, v_gap = 0.08, min(0.12, 0.5 / n_rows)
    width, height = (1 - h_gap * (columns - 1)) / columns, (1 - v_gap * (n_rows - 1)) / n_rows
    left, top = col * (width + h_gap), 1 - row * (height + v_gap)
    low = max(0.0, round(top - height, 6))  # never just below 0 by a rounding error
    x_id, y_id, y2_id = f"{i + 1 if i else ''}", f"{2 * i + 1 if i else ''}", f"{2 * i + 2}"
    bottom_of_column = i + columns >= count
    layout[f"xaxis{x_id}"] = {
        "domain": [round(left, 6), min(1.0, round(left + width, 6))], "anchor": f"y{y_id}", "showticklabels": bottom_of_column,
        **({"matches": "x"} if i else {}),
    }  # fmt: skip
    layout[f"yaxis{y_id}"] = {"domain": [low, round(top, 6)], "anchor": f"x{x_id}", "rangemode": "tozero"}
    layout[f"yaxis{y2_id}"] = count_axis(
        [r["denials"] for r in rows], anchor=f"x{x_id}", overlaying=f"y{y_id}", side="right", showgrid=False,
        tickfont={"color": COLORS["denials"]},
    )  # fmt: skip
    layout["annotations"].append({
        "text": title, "x": left + width / 2, "y": top, "xref": "paper", "yref": "paper", "xanchor": "center",
        "yanchor": "bottom", "showarrow": False, "font": {"size": 16},
    })  # fmt: skip
    x, legend = [r["bucket"] for r in rows], i == 0
    axes = {"xaxis": f"x{x_id}", "yaxis": f"y{y_id}"}
    traces = band_traces(x, rows, "used", "Used", COLORS["used"])
    for trace in traces:
        trace["showlegend"] = legend and trace.get("showlegend") is not False
    traces.append(line(
        x, [r["total"] for r in rows], "Total seats", showlegend=legend, legendgroup="total",
        line={"color": COLORS["total"], "width": 1.2, "dash": "dash", "shape": "hv"},
    ))  # fmt: skip
    traces = [{**trace, **axes} for trace in traces]
    traces.append(bar(
        x, [r["denials"] for r in rows], "Denials (right axis)", showlegend=legend, legendgroup="denials",
        marker={"color": _rgba(COLORS["denials"], 0.45)}, xaxis=f"x{x_id}", yaxis=f"y{y2_id}",
    ))  # fmt: skip
    return traces


def lstat_compare_figure(rows, metric, granularity=None):
    """One line per feature of the chosen metric."""
    by_feature = {}
    for r in rows:
        by_feature.setdefault(r["feature"], []).append(r)
    data = [
        line([r["bucket"] for r in mine], [r[metric] for r in mine], label,
             line={"color": SERIES[i % len(SERIES)], "width": 2})
        for i, (label, mine) in enumerate(by_feature.items())
    ]  # fmt: skip
    fig = figure(data, base_layout(yaxis_title=COMPARE_METRICS[metric]))
    return running(fig, sorted({r["bucket"] for r in rows}), granularity)


def lstat_top_users_figure(rows):
    """Horizontal bars, the top user on top."""
    trace = bar(
        [r["licenses"] for r in rows][::-1], [r["user"] for r in rows][::-1], orientation="h",
        marker={"color": COLORS["used"]}, hovertemplate="%{y}: %{x} licenses<extra></extra>",
    )  # fmt: skip
    layout = base_layout(yaxis_title=None)
    layout.update(
        xaxis=count_axis(
            [r["licenses"] for r in rows], title={"text": "Licenses held at once (highest in the last 13 days)"}
        ),
        height=max(260, 36 * len(rows) + 80),
        hovermode="closest",
    )
    return figure([trace], layout)


def lstat_heatmap_figure(heatmap, zone_name, *, denials=False, office=None):
    """Mean hourly used (or total denials) per local weekday and hour (Plotly's figure schema, as a dict)."""
    if heatmap.empty or (denials and not any(any(row) for row in heatmap.z)):
        return None
    if denials:
        trace = heatmap_trace(heatmap, name="Denials (total)", colorscale=ORANGES)
    else:
        trace = heatmap_trace(heatmap, name="Used (mean hourly max)")
    return heatmap_figure(trace, zone_name=zone_name, shapes=office_shapes(heatmap, office))
