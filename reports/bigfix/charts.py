"""BigFix figures: monthly reporting periods, so bars and markers rather than dense lines."""

from dashboard.tables import cell
from reports.charts.base import bar, base_layout, figure, line

# Enough distinct colours for a page of products or computer systems.
PALETTE = [
    "#2563eb", "#16a34a", "#dc2626", "#9333ea", "#f97316", "#0891b2",
    "#ca8a04", "#db2777", "#4b5563", "#65a30d", "#7c3aed", "#0f766e",
]  # fmt: skip


def _month_axis(layout):
    layout["xaxis"].update(type="date", tickformat="%b %Y", dtick="M1")
    layout["hovermode"] = "closest"
    return layout


def product_series_figure(rows, metric):
    """One line per product: the sum of its systems' peaks in each reporting period."""
    products = {}
    for row in rows:
        products.setdefault(row["product"], []).append(row)
    data = [
        line(
            [p["period_start"] for p in points], [p["peak"] for p in points], product, mode="lines+markers",
            line={"color": PALETTE[i % len(PALETTE)], "width": 2},
            customdata=[[p["period_end"], p["systems"]] for p in points],
            hovertemplate=f"%{{fullData.name}}<br>%{{x|%b %Y}} (to %{{customdata[0]}}): %{{y}} {metric} "
                          "on %{customdata[1]} systems<extra></extra>",
        )
        for i, (product, points) in enumerate(products.items())
    ]  # fmt: skip
    return figure(data, _month_axis(base_layout(yaxis_title=metric)))


def top_products_figure(rows, metric):
    """Horizontal bars, the highest peak on top."""
    trace = bar(
        [r["peak"] for r in rows], [r["product"] for r in rows], orientation="h",
        marker={"color": PALETTE[0]}, customdata=[r["peak_period"] for r in rows],
        hovertemplate="%{y}: %{x} " + metric + " (period from %{customdata})<extra></extra>",
    )  # fmt: skip
    layout = base_layout(yaxis_title="")
    layout.update(
        yaxis={"autorange": "reversed", "automargin": True, "rangemode": "tozero"},
        xaxis={"title": {"text": f"Peak {metric}"}, "rangemode": "tozero"},
        height=max(220, 60 + 34 * len(rows)),
        hovermode="closest",
        showlegend=False,
    )
    return figure([trace], layout)


def peak_when(row):
    """When the row's peak was: the vendor's date, and the time (in the display zone) where BigFix gave one."""
    if not row["peak_date"]:
        return "no peak date yet"
    return f"peak on {row['peak_date']}" + (f" (at {cell(row['peak_time'])})" if row["peak_time"] else "")


def stacked_periods_figure(rows, series_key, label, metric):
    """Bars per reporting period, stacked by `series_key` (computer system or product)."""
    series = {}
    for row in rows:
        series.setdefault(row[series_key], []).append(row)
    data = [
        bar(
            [p["period_start"] for p in points], [p["peak"] for p in points], f"{label} {name}".strip(),
            marker={"color": PALETTE[i % len(PALETTE)]}, customdata=[peak_when(p) for p in points],
            hovertemplate=f"%{{fullData.name}}<br>%{{x|%b %Y}}: %{{y}} {metric}, %{{customdata}}<extra></extra>",
        )
        for i, (name, points) in enumerate(series.items())
    ]  # fmt: skip
    layout = base_layout(yaxis_title=metric)
    layout["barmode"] = "stack"
    return figure(data, _month_axis(layout))
