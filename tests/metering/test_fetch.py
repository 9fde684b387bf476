"""The metering connector's time windows against the metering simulator over real HTTP."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from ingest.models import Cursor, IngestRun
from ingest.services import run_fetch, source_save
from ingest.vendors.metering.models import (
    MeteringEvent,
    MeteringHourSummary,
    MeteringInterval,
    MeteringLocationMetadata,
)
from tests.conftest import SIM_END

pytestmark = pytest.mark.django_db

SINCE = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # the simulator's first moment (two days before SIM_END)
LAG = timedelta(minutes=10)  # the connector's default
TENANTS = ["acme", "globex"]


def simulator(sim):
    return sim.simulators["metering"]


def visible_events(sim, tenant):
    """The distinct events the service holds now, by their natural key."""
    sm = simulator(sim)
    return {
        (e["locId"], e["date"], e["state"].lower())
        for e in sm.events[tenant]
        if datetime.fromisoformat(e["date"]) <= sm.now()
    }


def stored_events(tenant):
    return {
        (loc, date.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), state)
        for loc, date, state in MeteringEvent.objects.filter(tenant=tenant).values_list("loc_id", "date", "state")
    }


def event_windows(sim, tenant):
    requests = [q for path, q in simulator(sim).requests if path == "/usage/location" and q["tenantId"] == tenant]
    return [(datetime.fromisoformat(q["startTime"]), datetime.fromisoformat(q["endTime"])) for q in requests]


def late_event(sm, tenant, when, loc="acme-vm-late", state="created", event_id=900001):
    spec = sm.tenants[tenant]
    sm.inject(tenant, {"id": event_id, "tenantId": tenant, "ampId": spec["amp"], "locId": loc, "state": state,
                       "date": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "entityId": "ent-late", "entityType": None,
                       "applicationId": None, "user": None, "locationUsageMetadata": []})  # fmt: skip


def test_it_stores_every_event_of_every_tenant_exactly_once(sim, metering_source):
    run = run_fetch(metering_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    for tenant in TENANTS:
        assert stored_events(tenant) == visible_events(sim, tenant)
    assert run.records_created == MeteringEvent.objects.count() == sum(len(visible_events(sim, t)) for t in TENANTS)


def test_it_walks_forward_in_overlapping_windows_up_to_the_services_clock_less_the_lag(sim, metering_source):
    run_fetch(metering_source)

    for tenant in TENANTS:
        windows = event_windows(sim, tenant)
        assert windows[0] == (SINCE - timedelta(hours=1), SINCE + timedelta(hours=12))
        for (_, previous_end), (start, end) in zip(windows, windows[1:], strict=False):
            assert start == previous_end - timedelta(hours=1)  # each window re-reads the last hour
            assert end - start <= timedelta(hours=13)
        assert windows[-1][1] == SIM_END - LAG
        # the service's Date header says SIM_END, months before our clock: the cursor follows the service
        assert Cursor.objects.get(source=metering_source, key=tenant).value == "2026-03-04T11:50:00Z"


def test_an_event_exactly_on_a_window_edge_is_stored_once(sim, metering_source):
    edge = SINCE + timedelta(hours=12)  # the end of the first window and inside the second
    late_event(simulator(sim), "acme", edge)

    run = run_fetch(metering_source)

    assert MeteringEvent.objects.filter(loc_id="acme-vm-late", date=edge).count() == 1
    assert run.records_updated >= 1  # it came in both windows and the second one updated it
    assert stored_events("acme") == visible_events(sim, "acme")


def test_a_service_with_an_exclusive_end_loses_nothing_at_the_edges_even_without_overlap(sim, metering_source):
    simulator(sim).inclusive_end = False
    source = source_save(kind="metering", name=metering_source.name, base_url=metering_source.base_url,
                         params={**metering_source.params, "overlap_minutes": "0"})  # fmt: skip
    edge = SINCE + timedelta(hours=24)
    late_event(simulator(sim), "acme", edge)

    run_fetch(source)

    assert MeteringEvent.objects.filter(loc_id="acme-vm-late", date=edge).count() == 1
    for tenant in TENANTS:
        assert stored_events(tenant) == visible_events(sim, tenant)


def test_a_rerun_with_nothing_new_adds_nothing(sim, metering_source):
    run_fetch(metering_source)
    requests = len(simulator(sim).requests)

    again = run_fetch(metering_source)

    assert again.status == IngestRun.Status.SUCCEEDED, again.error
    assert (again.records_fetched, again.records_created) == (0, 0)
    # one read to learn the service's clock, then nothing: the cursors are already at the safe point
    assert len(simulator(sim).requests) == requests + 1


def test_new_events_are_fetched_incrementally_as_the_services_clock_moves(sim, metering_source):
    run_fetch(metering_source)
    before = MeteringEvent.objects.count()
    simulator(sim).fixed_end = SIM_END + timedelta(hours=30)

    run = run_fetch(metering_source)

    new = sum(len(visible_events(sim, t)) for t in TENANTS) - before
    assert new > 0
    assert run.records_created == new
    for tenant in TENANTS:
        assert stored_events(tenant) == visible_events(sim, tenant)
        assert event_windows(sim, tenant)[-1][1] == SIM_END + timedelta(hours=30) - LAG


def test_a_late_event_behind_the_cursor_is_picked_up_by_the_overlap(sim, metering_source):
    run_fetch(metering_source)
    cursor = datetime.fromisoformat(Cursor.objects.get(source=metering_source, key="acme").value)
    late_event(simulator(sim), "acme", cursor - timedelta(minutes=40))  # recorded after we read that minute
    simulator(sim).fixed_end = SIM_END + timedelta(minutes=20)

    run_fetch(metering_source)

    assert MeteringEvent.objects.filter(loc_id="acme-vm-late").count() == 1


def test_an_event_newer_than_the_safe_point_waits_for_the_next_fetch(sim, metering_source):
    late_event(simulator(sim), "acme", SIM_END - timedelta(minutes=5))  # after the cursor (SIM_END - 10 min)
    run_fetch(metering_source)
    assert not MeteringEvent.objects.filter(loc_id="acme-vm-late").exists()
    simulator(sim).fixed_end = SIM_END + timedelta(hours=1)

    run = run_fetch(metering_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert MeteringEvent.objects.filter(loc_id="acme-vm-late").count() == 1
    assert stored_events("acme") == visible_events(sim, "acme")


def test_intervals_pair_created_and_destroyed_events_as_the_service_does(sim, metering_source):
    run_fetch(metering_source)

    for tenant in TENANTS:
        expected = {(p["locId"], p["start"], p["end"]) for p in simulator(sim).periods(tenant)}
        stored = set(MeteringInterval.objects.filter(tenant=tenant).values_list("loc_id", "started_at", "ended_at"))
        assert stored == expected


def test_an_open_location_stays_active_until_its_destroyed_event_arrives(sim, metering_source):
    sm = simulator(sim)
    run_fetch(metering_source)
    open_db = MeteringInterval.objects.get(tenant="acme", loc_id="acme-vm-db")
    assert open_db.ended_at is None  # the long-lived server is still up at the end of the history
    ends = next(p["end"] for p in sm._periods["acme"] if p["locId"] == "acme-vm-db")
    sm.fixed_end = ends + timedelta(hours=1)

    run = run_fetch(metering_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    closed = MeteringInterval.objects.get(tenant="acme", loc_id="acme-vm-db", started_at=open_db.started_at)
    assert closed.ended_at == ends


def test_the_services_hourly_summary_is_kept_per_window_and_agrees_with_the_events(sim, metering_source):
    run_fetch(metering_source)

    summaries = MeteringHourSummary.objects.filter(tenant="acme", loc_id="acme-vm-etl")
    assert summaries.count() >= 3
    for summary in summaries:
        derived = 0.0
        for i in MeteringInterval.objects.filter(tenant="acme", loc_id="acme-vm-etl"):
            start, end = max(i.started_at, summary.window_start), min(i.ended_at or SIM_END, summary.window_end)
            derived += max(0.0, (end - start).total_seconds() / 3600)
        assert summary.active_hours == pytest.approx(derived, abs=0.001)


def test_each_location_keeps_its_metadata(metering_source):
    run_fetch(metering_source)

    metadata = dict(MeteringLocationMetadata.objects.filter(loc_id="acme-vm-db").values_list("name", "value"))
    assert metadata == {"provider": "aws-ec2", "region": "eu-west-1", "instanceType": "r5.2xlarge"}


def test_states_in_any_case_are_stored_lower_case(metering_source):
    run_fetch(metering_source)

    assert set(MeteringEvent.objects.values_list("state", flat=True)) == {"created", "destroyed"}


def test_it_authenticates_with_a_bearer_token_when_asked(sim):
    source = source_save(kind="metering", name="bearer", base_url=sim.url("metering"), token="metering-demo-token",
                         params={"tenants": "globex", "since": "2026-03-04", "auth": "bearer"})  # fmt: skip

    run = run_fetch(source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert stored_events("globex") == {e for e in visible_events(sim, "globex") if e[1] >= "2026-03-03T23:00:00Z"}


def test_the_simulators_demo_source_reads_every_tenant_from_the_start(sim):
    source = source_save(name="demo-metering", **simulator(sim).demo_source(sim.url("metering")))

    run = run_fetch(source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    for tenant in TENANTS:
        assert stored_events(tenant) == visible_events(sim, tenant)


def test_a_first_fetch_without_since_reads_a_year_back(sim, db):
    source = source_save(
        kind="metering",
        name="metering-no-since",
        base_url=sim.url("metering"),
        username="admin",
        password="admin-password",
        params={"tenants": "acme", "window_hours": "744"},
    )
    with time_machine.travel(SIM_END, tick=False):
        run_fetch(source)

    first_start, _ = event_windows(sim, "acme")[0]
    year_ago = SIM_END - timedelta(days=365)
    assert year_ago - timedelta(hours=1) <= first_start <= year_ago  # less the window's re-read overlap
