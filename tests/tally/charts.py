"""Tally's chart: a counter's seats used, hour by hour (a dict in Plotly's figure schema)."""


def counter_figure(rows):
    return {
        "data": [{"type": "bar", "name": "used", "x": [r["hour"] for r in rows], "y": [r["used"] for r in rows]}],
        "layout": {"yaxis": {"title": {"text": "seats used"}}},
    }
