"""Reading a page's weekday x hour heatmap back, for the heatmap tests of every vendor."""

import json

from reports.heatmap import WEEKDAYS


def heatmap_cells(response, chart="heatmap"):
    """{(weekday, "HH:MM"): value} of the heatmap chart CHART on the page, empty cells left out."""
    html = response.content.decode()
    marker = f'<script type="application/json" id="{chart}-data">'
    start = html.index(marker) + len(marker)
    trace = json.loads(html[start : html.index("</script>", start)])["data"][0]
    assert trace["type"] == "heatmap" and trace["y"] == WEEKDAYS
    return {(day, hour): z for day, row in zip(trace["y"], trace["z"], strict=True) for hour, z in zip(trace["x"], row, strict=True) if z is not None}  # fmt: skip
