"""Reading a page's weekday x hour heatmap back, for the heatmap tests of every vendor."""

from reports.heatmap import WEEKDAYS
from tests.pages import figure


def heatmap_cells(response, chart="heatmap"):
    """{(weekday, "HH:MM"): value} of the heatmap chart CHART on the page, empty cells left out."""
    trace = figure(response, chart)["data"][0]
    assert trace["type"] == "heatmap" and trace["y"] == WEEKDAYS
    return {(day, hour): z for day, row in zip(trace["y"], trace["z"], strict=True) for hour, z in zip(trace["x"], row, strict=True) if z is not None}  # fmt: skip
