"""The License Statistics pages: charts, tables and downloads of data lstat_fetched from the simulator."""

import io
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ingest.services import run_fetch
from ingest.vendors.lstat.models import LstatFeature, LstatServer, LstatSnapshot, LstatUsage
from tests.downloads import comparable, csv_rows

pytestmark = pytest.mark.django_db


def matlab():
    return LstatFeature.objects.get(fid=11)


def test_the_feature_page_charts_band_total_borrowed_and_denials(viewer, lstat_fetched):
    response = viewer.get(reverse("reports:lstat_feature", args=[matlab().pk]), {"granularity": "day"})

    assert response.status_code == 200
    names = [trace["name"] for trace in json.loads(response.context["figure_json"])["data"]]
    assert {"Used avg", "Used min–max", "Total seats", "Borrowed max", "Denials"} <= set(names)
    summary = response.context["summary"]
    assert summary["total"] == 20 and summary["utilization"] == round(100 * summary["peak"] / 20, 1)
    assert [r["bucket"].day for r in response.context["rows"]] == [1, 2, 3, 4]


def test_the_feature_download_is_the_table_shown(viewer, lstat_fetched):
    url = reverse("reports:lstat_feature", args=[matlab().pk])
    page = viewer.get(url, {"granularity": "hour", "start": "2026-03-04", "end": "2026-03-04"})

    rows = csv_rows(
        viewer.get(url, {"granularity": "hour", "start": "2026-03-04", "end": "2026-03-04", "format": "csv"})
    )

    assert rows[0][:3] == ["Feature", "Period start", "Used min"]
    assert comparable(rows[1:]) == comparable(page.context["table_rows"])
    # the hours stored from midnight of 4 March in the display zone to the simulator's last, open hour at noon UTC
    midnight = datetime(2026, 3, 4, tzinfo=ZoneInfo(settings.TIME_ZONE))
    assert (
        len(rows)
        == 1 + LstatUsage.objects.filter(feature=matlab(), granularity="hour", period_start__gte=midnight).count()
    )
    assert len(rows) == 1 + {"UTC": 13, "America/New_York": 8, "Asia/Kolkata": 18}.get(
        settings.TIME_ZONE, len(rows) - 1
    )


def test_the_feature_page_builds_weeks_months_and_quarters_from_days(viewer, lstat_fetched):
    url = reverse("reports:lstat_feature", args=[matlab().pk])
    days = viewer.get(url, {"granularity": "day"}).context["rows"]

    for granularity in ("week", "month", "quarter"):
        rows = viewer.get(url, {"granularity": granularity}).context["rows"]
        assert sum(r["denials"] for r in rows) == sum(r["denials"] for r in days)
        assert max(r["used_max"] for r in rows) == max(r["used_max"] for r in days)
    quarter = viewer.get(url, {"granularity": "quarter"}).context["rows"]
    assert len(quarter) == 1 and quarter[0]["bucket"].month == 1  # March is in the first quarter


@pytest.mark.parametrize("query", [{"granularity": "fortnight"}, {"start": "2026-03-05", "end": "2026-03-01"}])
def test_a_bad_query_gets_the_page_back_with_a_400(viewer, lstat_fetched, query):
    response = viewer.get(reverse("reports:lstat_feature", args=[matlab().pk]), query)

    assert response.status_code == 400
    assert response.context["form"].errors


def test_the_server_page_shows_small_multiples_and_a_table_per_feature(viewer, lstat_fetched):
    server = LstatServer.objects.get(lsid=1)
    response = viewer.get(reverse("reports:lstat_server", args=[server.pk]), {"granularity": "day"})

    assert response.status_code == 200
    summary = response.context["summary"]
    assert [s["feature"].split()[0] for s in summary] == ["MATLAB", "Signal_Toolbox", "Simulink"]
    assert all(s["utilization"] == round(100 * s["peak"] / s["total"], 1) for s in summary)
    assert b"Signal_Toolbox" in response.content


def test_the_server_page_downloads_its_table_and_its_chart_data(viewer, lstat_fetched):
    url = reverse("reports:lstat_server", args=[LstatServer.objects.get(lsid=1).pk])

    table = csv_rows(viewer.get(url, {"granularity": "day", "format": "csv"}))
    chart = viewer.get(url, {"granularity": "day", "format": "xlsx", "table": "usage"})

    assert table[0][0:5] == ["Feature", "Version", "Type", "Total seats", "Peak used"] and len(table) == 1 + 3
    sheet = load_workbook(io.BytesIO(b"".join(chart.streaming_content))).active
    assert [c.value for c in sheet[1]][:2] == ["Feature", "Period start"]
    assert sheet.max_row == 1 + 3 * 4
    assert viewer.get(url, {"table": "pie", "format": "csv"}).status_code == 400


def test_the_comparison_puts_several_features_on_one_chart(viewer, lstat_fetched):
    ids = [LstatFeature.objects.get(fid=fid).pk for fid in (11, 21, 22)]
    response = viewer.get(
        reverse("reports:lstat_compare"), {"features": ids, "metric": "utilization", "granularity": "day"}
    )

    assert response.status_code == 200
    data = json.loads(response.context["figure_json"])["data"]
    closed, running = data[:3], data[3:]  # today, still running, is each line's dotted tail
    assert all(len(trace["x"]) == 3 for trace in closed) and len(running) == 3
    assert [t["name"] for t in running] == [f"{t['name']} (still running)" for t in closed]
    assert all(
        t["x"] == [c["x"][-1], t["x"][-1]] and t["line"]["dash"] == "dot" for t, c in zip(running, closed, strict=True)
    )
    assert viewer.get(reverse("reports:lstat_compare"), {"features": [999999]}).status_code == 400


def test_current_users_show_the_latest_snapshot_filtered(viewer, lstat_fetched):
    response = viewer.get(reverse("reports:lstat_users"), {"feature": "matlab"})

    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows and {r["feature_name"] for r in rows} == {"MATLAB"}
    assert response.context["snapshot"] == LstatSnapshot.objects.get(kind="users")
    download = csv_rows(viewer.get(reverse("reports:lstat_users"), {"feature": "matlab", "format": "csv"}))
    assert download[0] == [
        "License server", "Feature", "User", "Host", "Checked out since", "Licenses", "Held for (hours, to the snapshot)"
    ]  # fmt: skip
    assert len(download) == 1 + len(rows)
    snapshot = response.context["snapshot"]
    for row in rows:  # held from its checkout to the snapshot
        if row["checked_out_at"]:
            assert row["held_hours"] == round((snapshot.taken_at - row["checked_out_at"]).total_seconds() / 3600, 2)


def test_current_users_history_answers_who_held_a_feature_at_an_earlier_time(sim, viewer, lstat_fetched, lstat_clock):
    first = LstatSnapshot.objects.get(kind="users")
    sim.simulators["lstat"].fixed_end += timedelta(hours=3)
    lstat_clock.shift(timedelta(hours=3))
    run_fetch(lstat_fetched)
    moment = timezone.localtime(first.taken_at + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")

    latest = viewer.get(reverse("reports:lstat_users"))
    earlier = viewer.get(reverse("reports:lstat_users"), {"at": moment})
    chosen = viewer.get(reverse("reports:lstat_users"), {"snapshot": first.pk})

    assert latest.context["snapshot"] != first
    assert earlier.context["snapshot"] == first == chosen.context["snapshot"]
    assert len(earlier.context["rows"]) == first.row_count
    assert len(latest.context["history"]) == 2


def test_an_unknown_snapshot_is_a_400_with_the_reason(viewer, lstat_fetched):
    response = viewer.get(reverse("reports:lstat_users"), {"snapshot": 987654})

    assert response.status_code == 400
    assert "No snapshot 987654" in response.content.decode()


def test_highest_users_are_a_bar_chart_of_the_top_users(viewer, lstat_fetched):
    response = viewer.get(reverse("reports:lstat_highest"))

    assert response.status_code == 200
    bars = json.loads(response.context["figure_json"])["data"][0]
    assert bars["type"] == "bar" and len(bars["y"]) == 10
    assert bars["y"][-1] == response.context["rows"][0]["user"]  # the top user drawn on top
    assert len(csv_rows(viewer.get(reverse("reports:lstat_highest"), {"format": "csv"}))) == 11


def test_the_overview_and_index_list_the_servers(viewer, lstat_fetched):
    assert b"flexlm-eng" in viewer.get(reverse("reports:home")).content
    assert b"rlm-design" in viewer.get(reverse("reports:lstat")).content


def test_pages_need_a_login(client, lstat_fetched):
    response = client.get(reverse("reports:lstat_users"))

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_feature_known_only_by_id_has_its_pages(sim, viewer, lstat_clock, lstat_source):
    sim.simulators["lstat"].lists_removed = True
    lstat_source.params = {**lstat_source.params, "fids": [11], "snapshots": []}
    lstat_source.save()
    assert run_fetch(lstat_source).error == ""

    page = viewer.get(reverse("reports:lstat_feature", args=[matlab().pk]), {"granularity": "day"})
    compare = viewer.get(reverse("reports:lstat_compare"), {"features": [matlab().pk], "granularity": "day"})

    assert page.status_code == 200 and "feature 11" in page.content.decode()
    assert len(page.context["rows"]) == 4
    assert compare.status_code == 200 and compare.context["rows"][0]["feature"] == "feature 11"
    index = viewer.get(reverse("reports:lstat"))
    assert index.context["unplaced"] == [matlab()] and "feature 11" in index.content.decode()
