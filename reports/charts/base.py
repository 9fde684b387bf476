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
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

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


# --- the period that has not ended ----------------------------------------------------
# The last bucket of a chart (today, this week, this month) is still counting when the chart is drawn: read as a
# whole one it looks like a fall in use. Every line chart and sparkline marks it: the line into it dashed, its
# bars pale, and a note above the chart; a sparkline's last segment dashed, its last point hollow.
RUNNING_OPACITY = 0.4


class Trend(list):
    """A sparkline's values, oldest first, and `ends`: the last day (a date, inclusive) of the last value's period,
    so that a period still running is known when the sparkline is drawn, however long it was cached."""

    def __init__(self, values=(), ends=None):
        super().__init__(values)
        self.ends = ends

    @property
    def running(self):
        return self.ends is not None and self.ends >= timezone.localdate()


def day_ends(moment):
    """The local day of an instant: the `ends` of a trend of daily peaks whose last one `moment` falls in."""
    return timezone.localtime(moment).date() if moment is not None else None


def bucket_end(bucket, granularity):
    """The instant the bucket starting at `bucket` (a local datetime, or a date) ends."""
    from reports.periods import next_bucket

    if not isinstance(bucket, datetime):
        bucket = timezone.make_aware(datetime.combine(bucket, time.min))
    if granularity == "quarter":
        for _month in range(3):
            bucket = next_bucket(bucket, "month")
        return bucket
    return next_bucket(bucket, granularity)


def running_since(x, granularity, now=None):
    """The first of the buckets `x` (sorted starts) whose period has not ended at `now`, or None."""
    now = now or timezone.now()
    return next((start for start in x if start is not None and bucket_end(start, granularity) > now), None)


def mark_running(fig, since, *, what="period", note=""):
    """`fig` (a figure dict) with what starts at or after `since` drawn as still running: each line's part from
    its last closed point on dotted (a trace of its own, out of the legend), bars pale, and a note (`note`, or
    one naming the `what` running since when). Band edges and fills are left whole. `since`: None (nothing is
    running), or the first running x (a datetime, a date or an ISO date)."""
    start = _as_moment(since)
    if start is None:
        return fig
    data, tails, marked = [], [], False
    for trace in fig["data"]:
        x = trace.get("x") or []
        first = next((i for i, value in enumerate(x) if (_as_moment(value) or start - _TINY) >= start), None)
        if first is None:
            data.append(trace)
        elif trace.get("type") == "bar":
            opacity = [1 if i < first else RUNNING_OPACITY for i in range(len(x))]
            data.append({**trace, "marker": {**trace.get("marker", {}), "opacity": opacity}})
            marked = True
        elif _drawn_line(trace):
            head, tail = _split(trace, first)
            data += [head] if head else []
            tails.append(tail)
            marked = True
        else:
            data.append(trace)
    if not marked:
        return fig
    text = note or f"The {what} from {_shown(start)} is still running: dotted (or pale), its figures can still rise."
    layout = {**fig["layout"], "annotations": [*fig["layout"].get("annotations", []), _running_note(text)]}
    layout["margin"] = {**layout.get("margin", {}), "t": max(layout.get("margin", {}).get("t", 0), 30)}
    return {"data": data + tails, "layout": layout}


_TINY = timedelta(microseconds=1)


def _as_moment(value):
    """An x value as an aware datetime (a date or an ISO date at local midnight); None for any other value."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return timezone.make_aware(datetime.combine(value, time.min))
    return None


def _shown(moment):
    local = timezone.localtime(moment)
    return f"{local:%Y-%m-%d %H:%M}" if local.hour or local.minute else f"{local:%Y-%m-%d}"


def _drawn_line(trace):
    """A scatter trace drawn as a visible line: not a band's edge (width 0) nor its fill."""
    return (
        trace.get("type") == "scatter"
        and "lines" in trace.get("mode", "lines")
        and trace.get("line", {}).get("width", 1) != 0
        and not trace.get("fill")
    )


def _split(trace, first):
    """(the closed part, or None if none is; the running part from the last closed point on, dotted)."""
    keys = [key for key in ("x", "y", "customdata", "text") if isinstance(trace.get(key), list)]
    group = trace.get("legendgroup") or trace.get("name", "")
    trace = {**trace, "legendgroup": group}
    tail = {**trace, **{key: trace[key][max(first - 1, 0) :] for key in keys}}
    tail.update(
        name=f"{trace.get('name', '')} (still running)".strip(), showlegend=False,
        line={**trace.get("line", {}), "dash": "dot"},
    )  # fmt: skip
    head = {**trace, **{key: trace[key][:first] for key in keys}} if first else None
    return head, tail


def _running_note(text):
    return pseudo_html_escape({
        "text": text, "xref": "paper", "yref": "paper", "x": 0, "y": 1.02, "xanchor": "left", "yanchor": "bottom",
        "showarrow": False, "font": {"size": 11, "color": "#6b7280"},
    })  # fmt: skip


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
