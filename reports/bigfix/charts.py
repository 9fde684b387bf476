"""BigFix figures: monthly reporting periods, so bars and markers rather than dense lines.

A reporting period that has not ended yet (the current month) is still counting up: its line is dotted and its
bars pale, with a note (reports.charts.base.mark_running), so that it is not read as a fall in usage."""

from datetime import date

from django.utils import timezone

from dashboard.formats import metric_label
from dashboard.tables import cell
from reports.charts.base import bar, base_layout, figure, line, mark_running

# Enough distinct colours for a page of products or computer systems.
PALETTE = [
    "#2563eb", "#16a34a", "#dc2626", "#9333ea", "#f97316", "#0891b2",
    "#ca8a04", "#db2777", "#4b5563", "#65a30d", "#7c3aed", "#0f766e",
]  # fmt: skip


def _month_axis(layout):
    layout["xaxis"].update(type="date", tickformat="%b %Y", dtick="M1")
    layout["hovermode"] = "closest"
    return layout


def is_open(row):
    """The row's reporting period has not ended yet (BigFix's calendar dates, against today's date)."""
    end = row.get("period_end")
    return bool(end) and date.fromisoformat(str(end)[:10]) >= timezone.localdate()


def running(fig, rows):
    """The figure with the reporting period still running (if one is) dotted or pale, and a note saying to when."""
    open_rows = [r for r in rows if is_open(r)]
    if not open_rows:
        return fig
    since = min(str(r["period_start"])[:10] for r in open_rows)
    end = max(str(r["period_end"])[:10] for r in open_rows)
    note = f"The period to {end} is still running: dotted or pale, its peak can still rise."
    return mark_running(fig, since, note=note)


def product_series_figure(rows, metric):
    """One line per product: the sum of its systems' peaks in each reporting period; a running period dotted."""
    metric = metric_label(metric)
    products = {}
    for row in rows:
        products.setdefault(row["product"], []).append(row)
    hover = (f"%{{fullData.name}}<br>%{{x|%b %Y}} (to %{{customdata[0]}}): %{{y}} {metric} "
             "on %{customdata[1]} systems<extra></extra>")  # fmt: skip
    data = [
        line(
            [p["period_start"] for p in points], [p["peak"] for p in points], product, mode="lines+markers",
            line={"color": PALETTE[i % len(PALETTE)], "width": 2},
            customdata=[[p["period_end"], p["systems"]] for p in points], hovertemplate=hover, legendgroup=product,
        )
        for i, (product, points) in enumerate(products.items())
    ]  # fmt: skip
    return running(figure(data, _month_axis(base_layout(yaxis_title=metric))), rows)


def top_products_figure(rows, metric):
    """Horizontal bars, the highest peak on top."""
    metric = metric_label(metric)
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
    metric = metric_label(metric)
    series = {}
    for row in rows:
        series.setdefault(row[series_key], []).append(row)
    data = [
        bar(
            [p["period_start"] for p in points], [p["peak"] for p in points], f"{label} {name}".strip(),
            marker={"color": PALETTE[i % len(PALETTE)]},
            customdata=[peak_when(p) + (" (period still running)" if is_open(p) else "") for p in points],
            hovertemplate=f"%{{fullData.name}}<br>%{{x|%b %Y}}: %{{y}} {metric}, %{{customdata}}<extra></extra>",
        )
        for i, (name, points) in enumerate(series.items())
    ]  # fmt: skip
    layout = base_layout(yaxis_title=metric)
    layout["barmode"] = "stack"
    return running(figure(data, _month_axis(layout)), rows)
