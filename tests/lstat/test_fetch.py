"""The License Statistics connector against its simulator over real HTTP: discovery, history, paging, upsert."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ingest.models import Cursor, IngestRun
from ingest.services import run_fetch, source_save
from ingest.simulators.server import SimulatorServer
from ingest.vendors.lstat.models import LstatFeature, LstatServer, LstatSession, LstatUsage
from tests.conftest import SIM_END

pytestmark = pytest.mark.django_db

FEATURES = 5
DAYS = 4  # 2026-03-01 (history starts at noon) to 2026-03-04 (open, up to noon)
HOURS = 24 + 13  # the hourly window: all of 2026-03-03, and 2026-03-04 00:00 to the open 12:00


def usage_requests(sim, fragment):
    return [q for path, q in sim.simulators["lstat"].requests if fragment in path]


def test_it_discovers_every_server_and_feature(lstat_clock, lstat_source):
    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert sorted(LstatServer.objects.values_list("lsid", "name", "manager")) == [
        (1, "flexlm-eng", "FlexNet"),
        (2, "rlm-design", "RLM"),
    ]
    matlab = LstatFeature.objects.get(fid=11)
    assert (matlab.name, matlab.version, matlab.feature_type, matlab.server.lsid) == ("MATLAB", "R2024b", "floating", 1)
    assert LstatFeature.objects.count() == FEATURES
    assert run.details["feature_list"] == "/api/v1/feature/json"


def test_it_falls_back_to_the_older_feature_list_path(sim, lstat_clock, lstat_source):
    sim.simulators["lstat"].feature_path = "old"

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert LstatFeature.objects.count() == FEATURES
    assert run.details["feature_list"] == "/api/v1/report/feature/json"


def test_it_stores_daily_and_hourly_history_with_every_field(lstat_clock, lstat_source):
    run_fetch(lstat_source)

    assert LstatUsage.objects.filter(granularity="day").count() == FEATURES * DAYS
    assert LstatUsage.objects.filter(granularity="hour").count() == FEATURES * HOURS
    day = LstatUsage.objects.get(feature__fid=11, granularity="day", period_start=datetime(2026, 3, 2, tzinfo=UTC))
    assert day.period_label == "2026-03-02"
    assert (day.feature_name, day.feature_version, day.feature_type, day.total_seats) == (
        "MATLAB",
        "R2024b",
        "floating",
        20,
    )
    assert day.used_min <= day.used_avg <= day.used_max <= day.total_seats
    hours = LstatUsage.objects.filter(
        feature__fid=11, granularity="hour", period_label__startswith="2026-03-03"
    ).values_list("used_min", "used_max", "denials", "hours_used", "borrowed_max")
    day3 = LstatUsage.objects.get(feature__fid=11, granularity="day", period_label="2026-03-03")
    # the server aggregates its hours into the day: check the stored day against the stored hours
    assert day3.used_min == min(h[0] for h in hours) and day3.used_max == max(h[1] for h in hours)
    assert day3.denials == sum(h[2] for h in hours) and day3.hours_used == pytest.approx(sum(h[3] for h in hours))
    assert day3.borrowed_max == max(h[4] for h in hours)


def test_denials_come_when_a_feature_hits_its_total(lstat_clock, lstat_source):
    run_fetch(lstat_source)

    denied = LstatUsage.objects.filter(granularity="hour", denials__gt=0)
    assert denied.exists()
    assert all(row.used_max == row.total_seats for row in denied)


def test_it_pages_with_limit_and_offset_until_total_count(sim, lstat_clock, lstat_source):
    run = run_fetch(lstat_source)

    hourly = [q for q in usage_requests(sim, "/license-server/1/") if q["granularity"] == "6"]
    # server 1 has three features: 3 x 37 hourly rows in pages of 25
    assert [int(q["offset"]) for q in hourly] == [0, 25, 50, 75, 100]
    assert {q["limit"] for q in hourly} == {"25"}
    assert LstatUsage.objects.filter(feature__server__lsid=1, granularity="hour").count() == 3 * HOURS
    assert run.records_fetched >= FEATURES * (DAYS + HOURS)


def test_it_keeps_the_daily_cursor_at_the_last_complete_day(sim, lstat_clock, lstat_source):
    run_fetch(lstat_source)
    assert Cursor.objects.get(source=lstat_source, key="day:server:1").value == "2026-03-03"

    run_fetch(lstat_source)

    daily = [q for q in usage_requests(sim, "/license-server/1/") if q["granularity"] == "5"]
    assert [(q["sd"], q["ed"]) for q in daily] == [("2026-03-01", "2026-03-04"), ("2026-03-04", "2026-03-04")]


def test_an_open_period_is_updated_on_refetch_and_nothing_is_doubled(sim, lstat_clock, lstat_source):
    lstat_source.params = {**lstat_source.params, "snapshots": []}  # snapshots add rows on every run by design
    lstat_source.save()
    run_fetch(lstat_source)
    today = LstatUsage.objects.get(feature__fid=11, granularity="day", period_label="2026-03-04")
    open_hour = LstatUsage.objects.get(feature__fid=11, granularity="hour", period_label="2026-03-04 12:00")
    hours_used_before = (today.hours_used, open_hour.hours_used)
    sim.simulators["lstat"].fixed_end += timedelta(minutes=45)  # the 12:00 hour fills up; no new hour yet
    lstat_clock.shift(timedelta(minutes=45))

    again = run_fetch(lstat_source)

    assert again.status == IngestRun.Status.SUCCEEDED, again.error
    assert LstatUsage.objects.filter(granularity="day").count() == FEATURES * DAYS
    assert LstatUsage.objects.filter(granularity="hour").count() == FEATURES * HOURS
    today.refresh_from_db()
    open_hour.refresh_from_db()
    assert open_hour.hours_used > hours_used_before[1] and today.hours_used > hours_used_before[0]
    hours_today = LstatUsage.objects.filter(feature__fid=11, granularity="hour", period_label__startswith="2026-03-04")
    assert today.hours_used == pytest.approx(sum(hours_today.values_list("hours_used", flat=True)))
    # servers and features, today's day row and today's 13 hours (the hourly cursor's day): updated, none created
    assert (again.records_created, again.records_updated) == (0, 2 + FEATURES + FEATURES * (1 + 13))


def test_a_new_hour_adds_one_hourly_row_per_feature(sim, lstat_clock, lstat_source):
    run_fetch(lstat_source)
    sim.simulators["lstat"].fixed_end += timedelta(hours=1)
    lstat_clock.shift(timedelta(hours=1))

    run_fetch(lstat_source)

    assert LstatUsage.objects.filter(granularity="hour").count() == FEATURES * (HOURS + 1)
    assert LstatUsage.objects.filter(granularity="day").count() == FEATURES * DAYS


def test_lsids_narrow_the_source_to_those_servers(lstat_clock, lstat_source):
    source_save(
        kind="lstat", name=lstat_source.name, base_url=lstat_source.base_url, token="demo-token",
        params={**lstat_source.params, "lsids": "2"},
    )  # fmt: skip
    lstat_source.refresh_from_db()

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert list(LstatServer.objects.values_list("lsid", flat=True)) == [2]
    assert set(LstatUsage.objects.values_list("feature__fid", flat=True)) == {21, 22}


def test_an_unknown_lsid_is_a_clear_run_error(lstat_clock, lstat_source):
    lstat_source.params = {**lstat_source.params, "lsids": [2, 9]}
    lstat_source.save()

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.FAILED
    assert "no license server with id 9" in run.error and "lists 1, 2" in run.error


def test_one_configured_feature_uses_the_feature_endpoint(sim, lstat_clock, lstat_source):
    lstat_source.params = {**lstat_source.params, "fids": [22]}
    lstat_source.save()

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert usage_requests(sim, "/usage-history/feature/22/") and not usage_requests(
        sim, "/usage-history/license-server/"
    )
    row = LstatUsage.objects.filter(feature__fid=22).first()
    assert (row.feature_name, row.feature_version, row.feature_type) == (
        "SolidWorks",
        "2025",
        "named user",
    )  # from the feature list
    assert LstatUsage.objects.exclude(feature__fid=22).count() == 0


def test_several_configured_features_use_the_comparison_endpoint(sim, lstat_clock, lstat_source):
    lstat_source.params = {**lstat_source.params, "fids": [11, 21]}
    lstat_source.save()

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert {q["fi"] for q in usage_requests(sim, "/usage-history/comparison/")} == {"11,21"}
    assert LstatUsage.objects.filter(granularity="day").count() == 2 * DAYS
    assert Cursor.objects.get(source=lstat_source, key="day:comparison:11,21").value == "2026-03-03"


def test_lud_is_read_in_the_configured_zone(sim, lstat_clock, lstat_source):
    sim.simulators["lstat"].zone = ZoneInfo("Europe/Berlin")
    lstat_source.params = {**lstat_source.params, "timezone": "Europe/Berlin", "snapshots": []}
    lstat_source.save()

    run_fetch(lstat_source)

    row = LstatUsage.objects.get(feature__fid=11, granularity="hour", period_label="2026-03-04 13:00")
    assert row.period_start == datetime(2026, 3, 4, 12, tzinfo=UTC)  # 13:00 in Berlin is noon UTC
    day = LstatUsage.objects.get(feature__fid=11, granularity="day", period_label="2026-03-04")
    assert day.period_start == datetime(2026, 3, 3, 23, tzinfo=UTC)


def test_the_simulators_demo_source_fetches_the_whole_history(sim, lstat_clock, db):
    source = source_save(name="demo-lstat", **sim.simulators["lstat"].demo_source(sim.url("lstat")))

    run = run_fetch(source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert LstatUsage.objects.filter(granularity="day").count() == FEATURES * DAYS


def test_discovery_reads_the_documented_license_server_fields(lstat_clock, lstat_source):
    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    server = LstatServer.objects.get(lsid=1)
    assert (server.name, server.host, server.port, server.manager, server.status) == (
        "flexlm-eng", "lic-eng01", "27000", "FlexNet", "UP",
    )  # fmt: skip


def test_discovery_reads_the_older_field_names_as_variants(sim, lstat_clock, lstat_source):
    sim.simulators["lstat"].list_fields = "older"

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    server = LstatServer.objects.get(lsid=2)
    assert (server.host, server.port, server.manager, server.status) == ("lic-des01", "5053", "RLM", "UP")


def test_servers_and_features_without_descriptive_fields_are_stored_blank(sim, lstat_clock, lstat_source):
    sim.simulators["lstat"].list_fields = "ids"

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert list(LstatServer.objects.order_by("lsid").values_list("lsid", "name", "host")) == [(1, "", ""), (2, "", "")]
    assert str(LstatServer.objects.get(lsid=2)) == "license server 2"
    assert LstatFeature.objects.count() == FEATURES
    # the server's usage rows name each feature
    assert LstatUsage.objects.filter(feature__fid=11).first().feature_name == "MATLAB"
    matlab = LstatFeature.objects.get(fid=11)
    assert (matlab.name, matlab.version, matlab.feature_type) == ("MATLAB", "R2024b", "floating")


def test_configured_features_need_no_discovery(sim, lstat_clock, lstat_source):
    sim.simulators["lstat"].lists_removed = True
    lstat_source.params = {**lstat_source.params, "fids": [11, 21], "snapshots": []}
    lstat_source.save()

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert "skipped" in run.details["discovery"]
    assert sorted(LstatFeature.objects.values_list("fid", "server")) == [(11, None), (21, None)]
    assert LstatUsage.objects.filter(granularity="day").count() == 2 * DAYS

    again = run_fetch(lstat_source)

    assert again.status == IngestRun.Status.SUCCEEDED, again.error
    assert LstatFeature.objects.count() == 2 and LstatUsage.objects.filter(granularity="day").count() == 2 * DAYS


def test_without_the_lists_a_source_without_fids_fails_clearly(sim, lstat_clock, lstat_source):
    sim.simulators["lstat"].lists_removed = True

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.FAILED
    assert "HTTP 404" in run.error and "configure fids" in run.error


def test_a_generated_installation_of_servers_features_and_sessions_is_fetched(db, lstat_clock):
    options = {"lstat": {"server_count": 3, "feature_count": 4, "session_count": 7, "end": SIM_END, "history_days": 1}}
    server = SimulatorServer(options=options, kinds=["lstat"]).start()
    try:
        spec = server.simulators["lstat"].demo_source(server.url("lstat"))
        source = source_save(name="generated", **{**spec, "params": {**spec["params"], "hourly_days": "1"}})
        run = run_fetch(source)
    finally:
        server.stop()

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert LstatServer.objects.count() == 3 and LstatFeature.objects.count() == 12
    assert LstatSession.objects.count() == 7
    assert LstatUsage.objects.filter(granularity="hour", period_start=SIM_END).count() == 12
