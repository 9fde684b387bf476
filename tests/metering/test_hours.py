"""How active hours are derived: pairing created/destroyed events, and cutting intervals into buckets."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from ingest.services import run_fetch, source_save
from ingest.vendors.metering.models import MeteringInterval
from reports.exports import cell
from reports.metering.selectors import metering_hours_series, split_hours

pytestmark = pytest.mark.django_db


def at(hour, minute=0):
    return datetime(2026, 3, 3, hour, minute, tzinfo=UTC)


def add(sim, loc, when, state, event_id):
    sim.simulators["metering"].inject("globex", {
        "id": event_id, "tenantId": "globex", "ampId": "amp-globex-01", "locId": loc, "state": state,
        "date": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "entityId": f"ent-{loc}", "user": "zoe",
        "applicationId": "lab",
    })  # fmt: skip


def fetch(sim):
    source = source_save(kind="metering", name="hours", base_url=sim.url("metering"), username="admin",
                         password="admin-password", params={"tenants": "globex", "since": "2026-03-03"})  # fmt: skip
    run = run_fetch(source)
    assert run.status == "succeeded", run.error


def intervals(loc):
    return list(
        MeteringInterval.objects.filter(loc_id=loc).order_by("started_at").values_list("started_at", "ended_at")
    )


def test_a_repeated_created_event_keeps_the_first_start(sim):
    add(sim, "lab-1", at(6), "created", 1)
    add(sim, "lab-1", at(7), "CREATED", 2)
    add(sim, "lab-1", at(9), "destroyed", 3)

    fetch(sim)

    assert intervals("lab-1") == [(at(6), at(9))]


def test_a_destroyed_event_without_a_created_one_adds_no_hours(sim):
    add(sim, "lab-2", at(5), "destroyed", 1)
    add(sim, "lab-2", at(6), "created", 2)
    add(sim, "lab-2", at(8, 30), "Destroyed", 3)

    fetch(sim)

    assert intervals("lab-2") == [(at(6), at(8, 30))]


def test_other_states_do_not_change_activity(sim):
    add(sim, "lab-3", at(6), "created", 1)
    add(sim, "lab-3", at(7), "stopped", 2)
    add(sim, "lab-3", at(8), "destroyed", 3)

    fetch(sim)

    assert intervals("lab-3") == [(at(6), at(8))]


def test_created_and_destroyed_in_the_same_second_is_an_empty_interval_not_an_open_one(sim):
    add(sim, "lab-4", at(6), "destroyed", 1)
    add(sim, "lab-4", at(6), "created", 2)

    fetch(sim)

    assert intervals("lab-4") == [(at(6), at(6))]


def test_hours_are_cut_at_local_day_boundaries_across_a_daylight_saving_change():
    with timezone.override("Europe/Berlin"):  # clocks go forward on Sunday 29 March 2026
        start, end = datetime(2026, 3, 28, 12, tzinfo=UTC), datetime(2026, 3, 30, 12, tzinfo=UTC)

        pieces = [(b.date().isoformat(), round(h, 4)) for b, h in split_hours(start, end, "day")]

    assert pieces == [("2026-03-28", 11.0), ("2026-03-29", 23.0), ("2026-03-30", 14.0)]
    assert sum(h for _, h in pieces) == 48


def test_hours_are_cut_at_hour_week_and_month_boundaries():
    start, end = datetime(2026, 1, 30, 22, 30, tzinfo=UTC), datetime(2026, 2, 2, 1, 15, tzinfo=UTC)

    with timezone.override("UTC"):
        hours = dict(split_hours(start, end, "hour"))
        weeks = dict(split_hours(start, end, "week"))
        months = {b.date().isoformat(): h for b, h in split_hours(start, end, "month")}

    assert hours[datetime(2026, 1, 30, 22, tzinfo=UTC)] == 0.5
    assert hours[datetime(2026, 2, 2, 1, tzinfo=UTC)] == 0.25
    assert len(hours) == 52 and sum(hours.values()) == pytest.approx(50.75)
    assert sorted(weeks.values()) == [1.25, 49.5]  # Monday 2 February starts a week
    assert months == {"2026-01-01": 25.5, "2026-02-01": 25.25}


def test_the_admin_lists_every_metering_model(admin_client, sim):
    add(sim, "lab-5", at(6), "created", 1)
    fetch(sim)

    for model in (
        "meteringevent",
        "meteringinterval",
        "meteringlocation",
        "meteringlocationmetadata",
        "meteringhoursummary",
    ):
        response = admin_client.get(f"/admin/metering/{model}/?q=lab")
        assert response.status_code == 200, model
    assert b"lab-5" in admin_client.get("/admin/metering/meteringinterval/?ended_at__isempty=1").content


def test_the_hour_repeated_when_summer_time_ends_is_two_buckets_of_one_hour():
    start, end = datetime(2026, 11, 1, 4, tzinfo=UTC), datetime(2026, 11, 1, 8, tzinfo=UTC)  # 00:00-02:00 EST

    with timezone.override("America/New_York"):
        rows = metering_hours_series([{"start": start, "end": end, "tenant": "acme"}], "hour", "tenant")
        labels = [cell(r["bucket"]) for r in rows]

    assert [r["hours"] for r in rows] == [1.0, 1.0, 1.0, 1.0]
    assert labels == ["2026-11-01 00:00", "2026-11-01 01:00 EDT", "2026-11-01 01:00 EST", "2026-11-01 02:00"]


def test_the_hour_skipped_when_summer_time_starts_is_no_bucket():
    start, end = datetime(2026, 3, 8, 5, tzinfo=UTC), datetime(2026, 3, 8, 9, tzinfo=UTC)  # 00:00-05:00 EDT

    with timezone.override("America/New_York"):
        rows = metering_hours_series([{"start": start, "end": end, "tenant": "acme"}], "hour", "tenant")
        days = [
            (cell(d["bucket"]), d["hours"])
            for d in metering_hours_series([{"start": start, "end": end, "tenant": "acme"}], "day", "tenant")
        ]
        labels = [cell(r["bucket"]) for r in rows]

    assert labels == ["2026-03-08 00:00", "2026-03-08 01:00", "2026-03-08 03:00", "2026-03-08 04:00"]
    assert [r["hours"] for r in rows] == [1.0, 1.0, 1.0, 1.0]
    assert days == [("2026-03-08 00:00", 4.0)]


def test_hour_buckets_in_kolkata_are_local_hours():
    start, end = datetime(2026, 3, 3, 4, 30, tzinfo=UTC), datetime(2026, 3, 3, 5, 45, tzinfo=UTC)  # 10:00-11:15 IST

    with timezone.override("Asia/Kolkata"):
        rows = metering_hours_series([{"start": start, "end": end, "tenant": "acme"}], "hour", "tenant")
        buckets = [(cell(r["bucket"]), r["hours"]) for r in rows]

    assert buckets == [("2026-03-03 10:00", 1.0), ("2026-03-03 11:00", 0.25)]
