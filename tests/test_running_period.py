"""A period that has not ended (this hour, today, this month) is marked in every line chart and sparkline, for
every vendor: its line dotted from the last closed point, its bars pale, a note; a sparkline's last segment
dotted and its point hollow. Read as a whole period, it would look like a fall in use."""

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from ingest.vendors.lstat.models import LstatFeature
from reports.charts.base import Trend, mark_running, running_since
from reports.mls.charts import mls_usage_figure
from reports.templatetags.overview import sparkline
from tests.conftest import MAC_A, SIM_END

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def day(d):
    return timezone.make_aware(datetime.combine(d, datetime.min.time()))


def mls_rows(days):
    return [
        {"bucket": day(d), **{f"{m}_{s}": v for m in ("used", "prepaid", "metered") for s in ("min", "avg", "max")}}
        for d, v in zip(days, [10, 12, 3], strict=False)
    ]


def names(fig):
    return [t.get("name") for t in fig["data"]]


@time_machine.travel(NOW, tick=False)
def test_todays_bucket_is_a_dotted_tail_of_each_line_and_the_bands_stay_whole():
    days = [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)]  # the last is today
    fig = mls_usage_figure(mls_rows(days), "average over 24 h", "day")

    traces = {t["name"]: t for t in fig["data"]}
    assert len(traces["Used avg"]["x"]) == 2 and traces["Used avg"]["y"] == [10, 12]
    tail = traces["Used avg (still running)"]
    assert tail["x"] == [day(days[1]), day(days[2])] and tail["y"] == [12, 3]
    assert tail["line"]["dash"] == "dot" and tail["showlegend"] is False
    assert tail["legendgroup"] == traces["Used avg"]["legendgroup"]
    assert len(traces["Used min–max"]["x"]) == 3 and len(traces["Used max"]["x"]) == 3  # the band is whole
    note = fig["layout"]["annotations"][-1]["text"]
    assert note == "The day from 2026-03-04 is still running: dotted (or pale), its figures can still rise."


@time_machine.travel(NOW, tick=False)
def test_nothing_is_marked_once_the_last_bucket_has_ended():
    fig = mls_usage_figure(mls_rows([date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)]), "", "day")

    assert not any("still running" in (name or "") for name in names(fig))
    assert "annotations" not in fig["layout"]


@pytest.mark.parametrize(
    ("granularity", "starts", "running"),
    [
        ("hour", [NOW - timedelta(hours=2), NOW - timedelta(hours=1), NOW], 2),
        ("hour", [NOW - timedelta(hours=3), NOW - timedelta(hours=2), NOW - timedelta(hours=1)], None),
        ("week", [day(date(2026, 2, 23)), day(date(2026, 3, 2))], 1),  # Monday 2 March: this week
        ("month", [day(date(2026, 2, 1)), day(date(2026, 3, 1))], 1),
        ("quarter", [day(date(2025, 10, 1)), day(date(2026, 1, 1))], 1),  # January to March
        ("day", [date(2026, 3, 3), date(2026, 3, 4)], 1),  # a day row's date
    ],
)
@time_machine.travel(NOW, tick=False)
def test_a_bucket_runs_until_its_granularitys_end(granularity, starts, running):
    assert running_since(starts, granularity) == (None if running is None else starts[running])


@time_machine.travel(NOW, tick=False)
def test_bars_of_the_running_bucket_are_pale():
    fig = {"data": [{"type": "bar", "x": ["2026-03-03", "2026-03-04"], "y": [5, 1], "marker": {"color": "red"}}],
           "layout": {"margin": {"t": 10}}}  # fmt: skip

    marked = mark_running(fig, "2026-03-04", what="day")

    assert marked["data"][0]["marker"] == {"color": "red", "opacity": [1, 0.4]}
    assert marked["layout"]["margin"]["t"] == 30 and "still running" in marked["layout"]["annotations"][0]["text"]


@time_machine.travel(NOW, tick=False)
def test_a_sparkline_ending_today_dots_its_last_segment():
    running = str(sparkline(Trend([4, 6, 2], ends=timezone.localdate())))
    ended = str(sparkline(Trend([4, 6, 2], ends=timezone.localdate() - timedelta(days=1))))
    plain = str(sparkline([4, 6, 2]))

    assert 'stroke-dasharray="2 2"' in running and 'fill="white"' in running
    assert f'data-running="{timezone.localdate()}"' in running and "is still running" in running
    assert re.findall(r'<polyline points="([^"]+)"', running) == ["0.0,12.0 45.0,2.0", "45.0,2.0 90.0,22.0"]
    for drawn in (ended, plain):
        assert "dasharray" not in drawn and "data-running" not in drawn and 'fill="currentColor"' in drawn


@pytest.mark.django_db
def test_every_vendors_report_chart_marks_today(viewer, all_fetched, lstat_clock):
    feature = LstatFeature.objects.filter(usage__granularity="day").first()
    today = timezone.localdate()
    query = {"start": today - timedelta(days=6), "end": today, "granularity": "day"}
    pages = {
        "mls": (reverse("reports:mls_supervisor", args=[MAC_A]), {}),
        "lstat": (reverse("reports:lstat_feature", args=[feature.pk]), {}),
        "metering": (reverse("reports:metering"), {}),
        "bigfix": (reverse("reports:bigfix"), {"granularity": ""}),
    }

    for kind, (url, extra) in pages.items():
        response = viewer.get(url, {**query, **extra})
        assert response.status_code == 200, kind
        fig = json.loads(response.context["figure_json"])
        marked = [t for t in fig["data"] if "still running" in (t.get("name") or "")] or [
            t for t in fig["data"] if isinstance(t.get("marker", {}).get("opacity"), list)
        ]
        assert marked, kind
        assert any("still running" in a["text"] for a in fig["layout"].get("annotations", [])), kind


@pytest.mark.django_db
def test_the_overviews_sparklines_mark_today(viewer, all_fetched, lstat_clock):
    end = SIM_END.date()
    response = viewer.get(reverse("reports:home"), {"start": end - timedelta(days=29), "end": end})

    html = response.content.decode()
    rows = response.context["rows"]
    running = [r for r in rows if getattr(r.thing.trend, "running", False)]
    assert running and {r.thing.kind for r in running} >= {"mls", "lstat", "metering", "bigfix"}
    assert html.count('stroke-dasharray="2 2"') == html.count("data-running=") == len(running)
