import plotly.graph_objects as go

from reports.charts.base import base_layout


def active_hours_figure(series, *, stacked=True):
    """Active hours per bucket, one bar trace per group (tenant, location, user or application), stacked."""
    groups = {}
    for row in series:
        x, y = groups.setdefault(row["group"], ([], []))
        x.append(row["bucket"])
        y.append(row["hours"])
    fig = go.Figure()
    for group, (x, y) in sorted(groups.items(), key=lambda item: str(item[0])):
        fig.add_trace(go.Bar(x=x, y=y, name=str(group), hovertemplate=f"{group}: %{{y:.2f}} h<extra></extra>"))
    base_layout(fig, yaxis_title="Active hours")
    fig.update_layout(barmode="stack" if stacked else "group", hovermode="x", showlegend=len(groups) > 1)
    return fig
