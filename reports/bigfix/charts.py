"""BigFix figures: monthly reporting periods, so bars and markers rather than dense lines.

A reporting period that has not ended yet (the current month) is still counting up: its line is dashed and its
bars pale, with a note, so that it is not read as a fall in usage."""

from datetime import date

from django.utils import timezone

from dashboard.formats import metric_label
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


def is_open(row):
    """The row's reporting period has not ended yet (BigFix's calendar dates, against today's date)."""
    end = row.get("period_end")
    return bool(end) and date.fromisoformat(str(end)[:10]) >= timezone.localdate()


def _open_note(layout, rows):
    """Says on the chart that the last period is still running, where one is."""
    open_ends = sorted({str(r["period_end"])[:10] for r in rows if is_open(r)})
    if open_ends:
        layout.setdefault("annotations", []).append({
            "text": f"The period to {open_ends[-1]} is still running: dashed or pale, its peak can still rise.",
            "xref": "paper", "yref": "paper", "x": 0, "y": 1.02, "xanchor": "left", "yanchor": "bottom",
            "showarrow": False, "font": {"size": 11, "color": "#6b7280"},
        })  # fmt: skip
        layout["margin"]["t"] = max(layout["margin"]["t"], 30)
    return layout


def product_series_figure(rows, metric):
    """One line per product: the sum of its systems' peaks in each reporting period; a running period dashed."""
    metric = metric_label(metric)
    products = {}
    for row in rows:
        products.setdefault(row["product"], []).append(row)
    data = []
    for i, (product, points) in enumerate(products.items()):
        color = PALETTE[i % len(PALETTE)]
        hover = (f"%{{fullData.name}}<br>%{{x|%b %Y}} (to %{{customdata[0]}}): %{{y}} {metric} "
                 "on %{customdata[1]} systems<extra></extra>")  # fmt: skip
        closed = [p for p in points if not is_open(p)]
        running = points[len(closed) :] if closed == points[: len(closed)] else []
        drawn = closed if running else points
        data.append(line(
            [p["period_start"] for p in drawn], [p["peak"] for p in drawn], product, mode="lines+markers",
            line={"color": color, "width": 2}, customdata=[[p["period_end"], p["systems"]] for p in drawn],
            hovertemplate=hover, legendgroup=product,
        ))  # fmt: skip
        if running:  # from the last closed period to the running one, dashed, open markers
            tail = closed[-1:] + running
            data.append(line(
                [p["period_start"] for p in tail], [p["peak"] for p in tail], f"{product} (running)",
                mode="lines+markers", line={"color": color, "width": 2, "dash": "dot"},
                marker={"symbol": "circle-open", "size": 8}, customdata=[[p["period_end"], p["systems"]] for p in tail],
                hovertemplate=hover, legendgroup=product, showlegend=False,
            ))  # fmt: skip
    return figure(data, _open_note(_month_axis(base_layout(yaxis_title=metric)), rows))


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
            marker={"color": PALETTE[i % len(PALETTE)], "opacity": [0.4 if is_open(p) else 1 for p in points]},
            customdata=[peak_when(p) + (" (period still running)" if is_open(p) else "") for p in points],
            hovertemplate=f"%{{fullData.name}}<br>%{{x|%b %Y}}: %{{y}} {metric}, %{{customdata}}<extra></extra>",
        )
        for i, (name, points) in enumerate(series.items())
    ]  # fmt: skip
    layout = base_layout(yaxis_title=metric)
    layout["barmode"] = "stack"
    return figure(data, _open_note(_month_axis(layout), rows))
