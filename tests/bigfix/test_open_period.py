"""A reporting period that is still running (BigFix's current month) is drawn dashed or pale, with a note,
rather than as a fall in usage."""

from datetime import UTC, datetime

import time_machine

from reports.bigfix.charts import product_series_figure, stacked_periods_figure

ROWS = [
    {"product": "Db2", "period_start": "2026-02-01", "period_end": "2026-02-28", "systems": 3, "peak": 300,
     "computer_system_id": 4, "peak_date": "2026-02-10", "peak_time": None},
    {"product": "Db2", "period_start": "2026-03-01", "period_end": "2026-03-31", "systems": 3, "peak": 20,
     "computer_system_id": 4, "peak_date": "2026-03-02", "peak_time": None},
]  # fmt: skip


@time_machine.travel(datetime(2026, 3, 4, 12, tzinfo=UTC), tick=False)
def test_the_running_month_is_dashed_and_noted():
    figure = product_series_figure(ROWS, "PVU_SUB_CAP")
    closed, running = figure["data"]
    assert closed["x"] == ["2026-02-01"] and running["x"] == ["2026-02-01", "2026-03-01"]
    assert running["line"]["dash"] == "dot" and running["showlegend"] is False
    assert "2026-03-31 is still running" in figure["layout"]["annotations"][0]["text"]
    assert figure["layout"]["yaxis"]["title"]["text"] == "PVU, sub-capacity"

    bars = stacked_periods_figure(ROWS, "computer_system_id", "System", "PVU_SUB_CAP")
    assert bars["data"][0]["marker"]["opacity"] == [1, 0.4]
    assert "still running" in bars["data"][0]["customdata"][1]


@time_machine.travel(datetime(2026, 4, 2, 12, tzinfo=UTC), tick=False)
def test_an_ended_month_is_drawn_as_any_other():
    figure = product_series_figure(ROWS, "PVU_SUB_CAP")
    assert len(figure["data"]) == 1 and figure["data"][0]["x"] == ["2026-02-01", "2026-03-01"]
    assert "annotations" not in figure["layout"]
