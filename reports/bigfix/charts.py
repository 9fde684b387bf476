"""BigFix figures: monthly reporting periods, so bars and markers rather than dense lines."""

import plotly.graph_objects as go

from dashboard.tables import cell
from reports.charts.base import base_layout

# Enough distinct colours for a page of products or computer systems.
PALETTE = [
    "#2563eb", "#16a34a", "#dc2626", "#9333ea", "#f97316", "#0891b2",
    "#ca8a04", "#db2777", "#4b5563", "#65a30d", "#7c3aed", "#0f766e",
]  # fmt: skip


def _month_axis(fig):
    fig.update_xaxes(type="date", tickformat="%b %Y", dtick="M1")
    fig.update_layout(hovermode="closest")
    return fig


def product_series_figure(rows, metric):
    """One line per product: the sum of its systems' peaks in each reporting period."""
    fig = go.Figure()
    products = {}
    for row in rows:
        products.setdefault(row["product"], []).append(row)
    for i, (product, points) in enumerate(products.items()):
        fig.add_trace(go.Scatter(
            x=[p["period_start"] for p in points], y=[p["peak"] for p in points], name=product,
            mode="lines+markers", line={"color": PALETTE[i % len(PALETTE)], "width": 2},
            customdata=[[p["period_end"], p["systems"]] for p in points],
            hovertemplate=f"{product}<br>%{{x|%b %Y}} (to %{{customdata[0]}}): %{{y}} {metric} "
                          "on %{customdata[1]} systems<extra></extra>",
        ))  # fmt: skip
    return _month_axis(base_layout(fig, yaxis_title=metric))


def top_products_figure(rows, metric):
    """Horizontal bars, the highest peak on top."""
    fig = go.Figure(go.Bar(
        x=[r["peak"] for r in rows], y=[r["product"] for r in rows], orientation="h",
        marker={"color": PALETTE[0]}, customdata=[r["peak_period"] for r in rows],
        hovertemplate="%{y}: %{x} " + metric + " (period from %{customdata})<extra></extra>",
    ))  # fmt: skip
    base_layout(fig, yaxis_title="")
    fig.update_layout(
        yaxis={"autorange": "reversed", "automargin": True, "title": None},
        xaxis={"title": f"Peak {metric}", "rangemode": "tozero"},
        height=max(220, 60 + 34 * len(rows)),
        hovermode="closest",
        showlegend=False,
    )
    return fig


def peak_when(row):
    """When the row's peak was: the vendor's date, and the time (in the display zone) where BigFix gave one."""
    if not row["peak_date"]:
        return "no peak date yet"
    return f"peak on {row['peak_date']}" + (f" (at {cell(row['peak_time'])})" if row["peak_time"] else "")


def stacked_periods_figure(rows, series_key, label, metric):
    """Bars per reporting period, stacked by `series_key` (computer system or product)."""
    fig = go.Figure()
    series = {}
    for row in rows:
        series.setdefault(row[series_key], []).append(row)
    for i, (name, points) in enumerate(series.items()):
        fig.add_trace(go.Bar(
            x=[p["period_start"] for p in points], y=[p["peak"] for p in points], name=f"{label} {name}".strip(),
            marker={"color": PALETTE[i % len(PALETTE)]}, customdata=[peak_when(p) for p in points],
            hovertemplate=f"{label} {name}<br>%{{x|%b %Y}}: %{{y}} {metric}, %{{customdata}}<extra></extra>",
        ))  # fmt: skip
    base_layout(fig, yaxis_title=metric)
    fig.update_layout(barmode="stack")
    return _month_axis(fig)
