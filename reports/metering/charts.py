from reports.charts.base import bar, base_layout, figure, mark_running, running_since


def series_groups(series):
    """How many groups (bar traces) a series draws."""
    return len({row["group"] for row in series})


def active_hours_figure(series, *, stacked=True, granularity=None):
    """Active hours per bucket, one bar trace per group (tenant, location, user or application), stacked; the
    bucket still running (of `granularity`: today, this week...) pale."""
    groups = {}
    for row in series:
        x, y = groups.setdefault(row["group"], ([], []))
        x.append(row["bucket"])
        y.append(row["hours"])
    data = [
        bar(x, y, str(group), hovertemplate="%{fullData.name}: %{y:.2f} h<extra></extra>")
        for group, (x, y) in sorted(groups.items(), key=lambda item: str(item[0]))
    ]
    layout = base_layout(yaxis_title="Active hours")
    layout.update(barmode="stack" if stacked else "group", hovermode="x", showlegend=len(groups) > 1)
    fig = figure(data, layout)
    since = running_since(sorted({row["bucket"] for row in series}), granularity) if granularity else None
    return mark_running(fig, since, what=granularity)
