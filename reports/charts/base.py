"""Shared pieces of every figure: colors, the min/avg/max band, the layout, and the JSON a page embeds.

Figures are plain dicts in Plotly's figure schema ({"data": [traces], "layout": {...}}), built straight from
a selector's rows: no plotly figure objects on the way to a page. plotly.io still takes them as they are
(the emailed charts export them with kaleido).

Plotly draws every text of a figure (trace names, axis titles, category ticks, hover labels, annotations, legend
titles) as its own pseudo-HTML: `<a href>`, `<span style>`, `<br>` and entities are live, and text between `$`
signs is MathJax. Every figure is built by `figure()`, which escapes every string in it once, so no chart can
carry a tag it did not write itself: the only markup left is the <br> and <extra> of our own hover templates
(which read names with `%{fullData.name}` from the escaped data rather than paste them in).
"""

import json
import math
from datetime import date, datetime
from decimal import Decimal

COLORS = {
    "used": "#2563eb",
    "prepaid": "#16a34a",
    "metered": "#dc2626",
    "total": "#111827",
    "borrowed": "#9333ea",
    "denials": "#f97316",
}
_AXIS = {
    "gridcolor": "#EBF0F8", "linecolor": "#EBF0F8", "zerolinecolor": "#EBF0F8", "zerolinewidth": 2,
    "ticks": "", "automargin": True, "title": {"standoff": 15},
}  # fmt: skip
# The look of plotly's "plotly_white" template, as plotly.js takes it (a template named by a string is Python-only).
TEMPLATE = {
    "layout": {
        "colorway": ["#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3", "#FF6692", "#B6E880"],
        "font": {"color": "#2a3f5f"},
        "hoverlabel": {"align": "left"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "xaxis": _AXIS,
        "yaxis": _AXIS,
    }
}


def _rgba(hex_color, alpha):
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def line(x, y, name=None, **props):
    """A scatter trace drawn as a line."""
    return _trace("scatter", x, y, name, **{"mode": "lines", **props})


def bar(x, y, name=None, **props):
    return _trace("bar", x, y, name, **props)


def _trace(kind, x, y, name, **props):
    trace = {"type": kind, "x": x, "y": y, **props}
    if name is not None:
        trace["name"] = name
    return trace


def band_traces(x, rows, key, label, color, *, band=True):
    """An average line with its min-max band shaded behind it."""
    traces = []
    if band:
        traces.append(line(
            x, [r[f"{key}_max"] for r in rows], f"{label} max", line={"width": 0}, hoverinfo="skip",
            showlegend=False, legendgroup=key,
        ))  # fmt: skip
        traces.append(line(
            x, [r[f"{key}_min"] for r in rows], f"{label} min–max", line={"width": 0}, fill="tonexty",
            fillcolor=_rgba(color, 0.18), legendgroup=key, hoverinfo="skip",
        ))  # fmt: skip
    traces.append(line(
        x, [r[f"{key}_avg"] for r in rows], f"{label} avg", line={"color": color, "width": 2}, legendgroup=key,
        customdata=[[r[f"{key}_min"], r[f"{key}_max"]] for r in rows],
        hovertemplate=f"{label}: avg %{{y}} (min %{{customdata[0]}}, max %{{customdata[1]}})<extra></extra>",
    ))  # fmt: skip
    return traces


def average_note(granularity, office=None):
    """What a chart's average line (and band) is over: "average over 24 h", "average over office hours, Mon–Fri
    08:00–18:00" (`office`: a dashboard.office_hours.OfficeHours)."""
    if office is not None:
        return f"average over office hours, {office.label}"
    return "average over each hour" if granularity == "hour" else "average over 24 h"


def legend_note(layout, note):
    """The legend's title: what the averages in it are over (so the emailed and printed charts say it too)."""
    if note:
        layout["legend"]["title"] = {"text": f"{note[0].upper()}{note[1:]}:"}
    return layout


def base_layout(*, title=None, yaxis_title="Licenses"):
    """The layout every report chart starts from (a dict the chart then adds to)."""
    layout = {
        "template": TEMPLATE,
        "hovermode": "x unified",
        "margin": {"l": 50, "r": 20, "t": 40 if title else 10, "b": 40},
        "legend": {"orientation": "h", "y": -0.15},
        "xaxis": {},
        "yaxis": {"rangemode": "tozero", "tickformat": ",", "hoverformat": ",.2~f"},
        "height": 420,
        "separators": ".,",
    }
    if title:
        layout["title"] = {"text": title}
    if yaxis_title:
        layout["yaxis"]["title"] = {"text": yaxis_title}
    return layout


def count_axis(values, **axis):
    """An axis of counts (denials, sessions, licenses held): whole-number ticks only, never 0.475 or 8.7.

    Plotly's automatic steps are 1, 2 or 5 times a power of ten, so past 10 they are whole; below, the step is 1."""
    high = max((v for v in values if v is not None), default=0)
    return {"rangemode": "tozero", "tickformat": ",d", **({"dtick": 1, "tick0": 0} if high <= 10 else {}), **axis}


def figure(data, layout):
    """The figure of `data` (traces) and `layout`, every text in it escaped for Plotly's pseudo-HTML."""
    return {"data": pseudo_html_escape(data), "layout": pseudo_html_escape(layout)}


# Plotly reads &amp; &lt; &gt; and numeric entities back as text; &#36; keeps a "$...$" from being MathJax.
_PSEUDO_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "$": "&#36;"})
# Our own templates keep the few tags we write in them (and d3's "$" currency format); the rest is escaped.
_TEMPLATE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
OUR_TAGS = ("<br>", "<extra>", "</extra>")


def _escape_template(text):
    text = text.translate(_TEMPLATE)
    for tag in OUR_TAGS:
        text = text.replace(tag.translate(_TEMPLATE), tag)
    return text


def pseudo_html_escape(value, key=None):
    """`value` with every string in it (nested in dicts and lists) escaped for Plotly's pseudo-HTML: texts wholly,
    our templates (`hovertemplate`, `texttemplate`) but for their <br> and <extra>, d3 formats not at all."""
    if isinstance(value, str):
        if isinstance(key, str) and key.endswith("format"):
            return value
        if isinstance(key, str) and key.endswith("template"):
            return _escape_template(value)
        return value.translate(_PSEUDO_HTML)
    if isinstance(value, dict):
        return {k: pseudo_html_escape(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [pseudo_html_escape(v, key) for v in value]
    return value


def points(figure):
    """How many points the figure's traces draw (a heatmap counts its cells)."""
    total = 0
    for trace in figure["data"]:
        z = trace.get("z")
        total += sum(len(row) for row in z) if z is not None else len(trace.get("x") or trace.get("y") or [])
    return total


def to_json(figure):
    """Compact JSON of a figure: floats to 6 significant digits, NaN and infinities as null, dates in ISO 8601."""
    return json.dumps(_plain(figure), separators=(",", ":"), allow_nan=False, ensure_ascii=False)


def _plain(value):
    if isinstance(value, float):
        return float(f"{value:.6g}") if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _plain(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _plain(float(value))
    return value
