"""Shared pieces of every figure: colors, the min/avg/max band, the layout."""

import plotly.graph_objects as go

COLORS = {
    "used": "#2563eb",
    "prepaid": "#16a34a",
    "metered": "#dc2626",
    "total": "#111827",
    "borrowed": "#9333ea",
    "denials": "#f97316",
}


def _rgba(hex_color, alpha):
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def band_traces(x, rows, key, label, color, *, band=True):
    """An average line with its min-max band shaded behind it."""
    traces = []
    if band:
        traces.append(go.Scatter(
            x=x, y=[r[f"{key}_max"] for r in rows], mode="lines", line={"width": 0}, hoverinfo="skip",
            showlegend=False, legendgroup=key, name=f"{label} max",
        ))  # fmt: skip
        traces.append(go.Scatter(
            x=x, y=[r[f"{key}_min"] for r in rows], mode="lines", line={"width": 0}, fill="tonexty",
            fillcolor=_rgba(color, 0.18), name=f"{label} min–max", legendgroup=key, hoverinfo="skip",
        ))  # fmt: skip
    traces.append(go.Scatter(
        x=x, y=[r[f"{key}_avg"] for r in rows], mode="lines", line={"color": color, "width": 2},
        name=f"{label} avg", legendgroup=key,
        customdata=[[r[f"{key}_min"], r[f"{key}_max"]] for r in rows],
        hovertemplate=f"{label}: avg %{{y}} (min %{{customdata[0]}}, max %{{customdata[1]}})<extra></extra>",
    ))  # fmt: skip
    return traces


def base_layout(fig, *, title=None, yaxis_title="Licenses"):
    fig.update_layout(
        title=title,
        template="plotly_white",
        hovermode="x unified",
        margin={"l": 50, "r": 20, "t": 40 if title else 10, "b": 40},
        legend={"orientation": "h", "y": -0.15},
        yaxis={"title": yaxis_title, "rangemode": "tozero"},
        height=420,
    )
    return fig
