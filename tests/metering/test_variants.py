"""What the Metering Service document leaves open (response bodies, state names) is read in every shape
met, kept raw, and noted on the run: it never fails the fetch of the events."""

from datetime import timedelta

import pytest

from ingest.models import IngestRun
from ingest.services import run_fetch
from ingest.vendors.metering.models import (
    MeteringEvent,
    MeteringHourSummary,
    MeteringInterval,
    MeteringLocationMetadata,
)
from reports.metering.selectors import metering_location_metadata
from tests.conftest import SIM_END

pytestmark = pytest.mark.django_db


def hours_by_window(loc_id):
    rows = MeteringHourSummary.objects.filter(tenant="acme", loc_id=loc_id)
    return {(s.window_start, s.window_end): s.active_hours for s in rows}


def fetch_in_shape(sim, source, shape):
    sim.simulators["metering"].summary_shape = shape
    run = run_fetch(source)
    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    return run


@pytest.fixture
def listed(sim, metering_source):
    """The hours of acme-vm-etl per window as read from the simulator's usual list of records."""
    fetch_in_shape(sim, metering_source, "list")
    expected = hours_by_window("acme-vm-etl")
    MeteringHourSummary.objects.all().delete()
    MeteringEvent.objects.all().delete()
    metering_source.cursors.all().delete()
    assert len(expected) >= 3
    return expected


@pytest.mark.parametrize("shape", ["wrapped", "keyed", "seconds"])
def test_an_hourly_summary_in_another_shape_gives_the_same_hours(sim, metering_source, listed, shape):
    fetch_in_shape(sim, metering_source, shape)

    found = hours_by_window("acme-vm-etl")
    assert found.keys() == listed.keys()
    assert list(found.values()) == pytest.approx(list(listed.values()), abs=0.001)
    assert all(s.raw for s in MeteringHourSummary.objects.all())


def test_summary_records_that_cannot_be_read_are_kept_or_noted_and_the_events_stored(sim, metering_source):
    run = fetch_in_shape(sim, metering_source, "partial")

    assert MeteringEvent.objects.filter(tenant="acme").exists()
    odd = MeteringHourSummary.objects.filter(loc_id="acme-vm-odd").first()
    assert odd.active_hours is None and odd.raw == {"locId": "acme-vm-odd", "usage": "PT1H"}
    note = run.details["tenant acme not read"]
    assert "GET /usage/location/hour" in note and "no location id" in note and "has no hours" in note


def test_an_hourly_summary_of_no_known_shape_is_noted_and_the_events_stored(sim, metering_source):
    run = fetch_in_shape(sim, metering_source, "unknown")

    assert MeteringEvent.objects.filter(tenant="acme").count() > 0
    assert not MeteringHourSummary.objects.exists()
    assert 'an answer of no known shape (str: "3 locations active")' in run.details["tenant acme not read"]


def test_events_of_a_state_not_named_in_the_document_are_stored_kept_raw_and_counted(sim, metering_source):
    sm = sim.simulators["metering"]
    spec = sm.tenants["acme"]
    # the last one falls in the hour the next 12-hour window reads again: still counted once
    for i, (state, ago) in enumerate([("suspended", 30), ("Suspended", 31), ("resumed", 32), ("paused", 24.5)]):
        when = (SIM_END - timedelta(hours=ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
        sm.inject("acme", {"id": 880000 + i, "tenantId": "acme", "ampId": spec["amp"], "locId": "acme-vm-db",
                           "state": state, "date": when, "entityId": "e", "note": "undocumented"})  # fmt: skip

    run = fetch_in_shape(sim, metering_source, "list")

    stored = MeteringEvent.objects.filter(upstream_id__in=["880000", "880001", "880002"])
    assert sorted(stored.values_list("state", flat=True)) == ["resumed", "suspended", "suspended"]
    assert stored.get(upstream_id="880000").raw["note"] == "undocumented"
    assert run.details["tenant acme other states"] == (
        "1 with state 'paused', 1 with state 'resumed', 2 with state 'suspended': stored, not counted in active hours"
    )
    # active intervals still run from created to destroyed: the other states neither open nor close one
    assert not MeteringInterval.objects.filter(started_at__in=stored.values("date")).exists()


def test_location_metadata_answered_as_an_object_is_read_as_names_and_values(sim, metering_source):
    sim.simulators["metering"].metadata_shape = "object"

    run = run_fetch(metering_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    metadata = dict(MeteringLocationMetadata.objects.filter(loc_id="acme-vm-db").values_list("name", "value"))
    assert metadata == {"provider": "aws-ec2", "region": "eu-west-1", "instanceType": "r5.2xlarge"}


def test_location_metadata_that_changes_is_kept_over_time(sim, metering_source):
    sm = sim.simulators["metering"]
    resized = {"provider": "aws-ec2", "region": "eu-west-1", "instanceType": "r5.4xlarge"}
    sm.inject("acme", {"id": 890000, "tenantId": "acme", "ampId": sm.tenants["acme"]["amp"], "locId": "acme-vm-db",
                       "state": "created", "date": (SIM_END - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "locationUsageMetadata": [{"name": k, "value": v} for k, v in resized.items()]})  # fmt: skip

    run = run_fetch(metering_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    sizes = MeteringLocationMetadata.objects.filter(loc_id="acme-vm-db", name="instanceType").order_by("first_seen_at")
    assert [m.value for m in sizes] == ["r5.2xlarge", "r5.4xlarge"]
    assert sizes[0].seen_at < sizes[1].first_seen_at
    assert MeteringLocationMetadata.objects.filter(loc_id="acme-vm-db", name="region").count() == 1
    current = {m["name"]: m["value"] for m in metering_location_metadata("acme", "acme-vm-db")}
    assert current == resized


def test_a_rerun_reporting_the_same_metadata_adds_no_rows(sim, metering_source):
    run_fetch(metering_source)
    before = MeteringLocationMetadata.objects.count()
    metering_source.cursors.all().delete()

    run = run_fetch(metering_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert MeteringLocationMetadata.objects.count() == before > 0
