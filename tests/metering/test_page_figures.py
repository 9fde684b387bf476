"""The tenant and location pages' figures, read once and kept as their series are (metering_tenant_figures,
metering_location_figures, the cached events and summaries), equal what the pages computed from every
interval and event on each view before, whatever the granularity, the grouping, the viewer's names and the clock."""

from datetime import date, timedelta

import pytest
import time_machine

from dashboard.privacy.names import SHOWN, Names
from ingest.services import run_fetch
from ingest.vendors.metering.models import MeteringEvent, MeteringHourSummary
from ingest.vendors.metering.simulator import DEFAULT_TENANTS
from reports.metering import selectors
from reports.metering.selectors import (
    metering_hours_by,
    metering_intervals,
    metering_locations,
    metering_series,
)
from reports.periods import Period
from tests.conftest import SIM_END

pytestmark = pytest.mark.django_db

GRANULARITIES = ["hour", "day", "week", "month"]
NAMES = [SHOWN, Names(visible=False)]
NOW = SIM_END + timedelta(hours=3)  # after the simulator's last event: its open locations count up to here


def period(granularity):
    return Period(date(2026, 3, 2), date(2026, 3, 5), granularity)  # reaches past NOW: figures move with the clock


@pytest.fixture
def fetched(sim, metering_source):
    """The simulator's two days, with a user spelt two ways (two names, one pseudonym), a location of nobody
    and one still open."""
    simulator, amp = sim.simulators["metering"], DEFAULT_TENANTS["acme"]["amp"]
    events = [
        ("acme-vm-case", 20, "created", "ALICE", "webshop"),
        ("acme-vm-case", 18, "destroyed", "ALICE", "webshop"),
        ("acme-vm-nobody", 30, "created", "", ""),
        ("acme-vm-nobody", 29, "destroyed", "", ""),
        ("acme-vm-open", 6, "created", "Bob", "reports"),
    ]
    for n, (loc, hours_before, state, user, app) in enumerate(events):
        when = (SIM_END - timedelta(hours=hours_before)).strftime("%Y-%m-%dT%H:%M:%SZ")
        simulator.inject("acme", {"id": 880000 + n, "tenantId": "acme", "ampId": amp, "locId": loc, "state": state,
                                  "date": when, "user": user, "applicationId": app, "entityId": f"ent-{loc}"})  # fmt: skip
    run = run_fetch(metering_source)
    assert run.status == "succeeded", run.error


def present_tenant(period, by, tenant, names):
    """What the tenant page computed on each view before (reports/metering/reports.py's Tenant.build_data)."""
    intervals = metering_intervals(period, names=names, tenant=tenant)
    return {
        "series": metering_series(period, period.granularity, by, names=names, tenant=tenant),
        "locations": metering_locations(intervals),
        "users": metering_hours_by(intervals, "user"),
        "applications": metering_hours_by(intervals, "application"),
        "hours": round(sum(i["hours"] for i in intervals), 2),
        "still_active": len({i["loc_id"] for i in intervals if i["ended_at"] is None}),
    }


def present_location(period, tenant, loc_id, names):
    """What the location page computed on each view before (Location.build_data), its tables on their columns."""
    intervals = metering_intervals(period, names=names, tenant=tenant, loc_id=loc_id)
    rows = [
        {
            **i,
            "ended_at": i["ended_at"] or "",
            "hours": round(i["hours"], 2),
            "active": "yes" if i["ended_at"] is None else "no",
        }  # fmt: skip
        for i in intervals
    ]
    return {
        "series": metering_series(period, period.granularity, "location", tenant=tenant, loc_id=loc_id),
        "intervals": on_columns(rows, selectors.INTERVAL_COLUMNS),
        "hours": round(sum(i["hours"] for i in intervals), 2),
        "still_active": any(i["ended_at"] is None for i in intervals),
    }


def present_events(tenant, loc_id, period, names):
    events = MeteringEvent.objects.filter(
        tenant=tenant, loc_id=loc_id, date__gte=period.start_dt, date__lt=period.end_dt
    ).order_by("date", "state")
    rows = [{**e, "user": e["user"] or "", "application_id": e["application_id"] or ""} for e in events.values()]
    return on_columns(names.rows(rows, user="user"), selectors.EVENT_COLUMNS)


def present_summaries(tenant, loc_id, period):
    summaries = MeteringHourSummary.objects.filter(
        tenant=tenant, loc_id=loc_id, window_start__lt=period.end_dt, window_end__gt=period.start_dt
    ).order_by("window_start")
    rows = [
        {**s, "active_hours": None if s["active_hours"] is None else round(s["active_hours"], 2)}
        for s in summaries.values()
    ]
    return on_columns(rows, selectors.SUMMARY_COLUMNS)


def on_columns(rows, columns):
    """The rows as every output (page, downloads, API) reads them: their columns' values, in order."""
    return [[row[key] for key, _label in columns] for row in rows]


def new_location(period, tenant, loc_id, names):
    figures = selectors.metering_location_figures(period, tenant, loc_id)
    rows = names.rows(figures["intervals"], user="user")
    return {**figures, "intervals": on_columns(rows, selectors.INTERVAL_COLUMNS)}


def test_the_tenant_figures_equal_the_figures_of_every_interval(fetched):
    with time_machine.travel(NOW, tick=False) as clock:
        for _moment in range(2):  # a later view, past the moving window, counts the open locations further
            compared = 0
            for granularity in GRANULARITIES:
                for tenant in DEFAULT_TENANTS:
                    for by in ("location", "user", "application"):
                        for names in NAMES:
                            new = selectors.metering_tenant_figures(period(granularity), by, tenant, names=names)
                            assert new == present_tenant(period(granularity), by, tenant, names), (granularity, by)
                            compared += 1
            assert compared == 48
            hours = selectors.metering_tenant_figures(period("day"), "location", "acme")["hours"]
            clock.shift(timedelta(minutes=5))
        assert selectors.metering_tenant_figures(period("day"), "location", "acme")["hours"] > hours


def test_the_tenant_figures_cover_what_the_equality_is_about(fetched):
    """The data set has what could make the figures differ: a user whose two names are one pseudonym (one row
    to whom names are hidden), a location of nobody, locations still active."""
    with time_machine.travel(NOW, tick=False):
        shown = selectors.metering_tenant_figures(period("day"), "user", "acme")
        hidden = selectors.metering_tenant_figures(period("day"), "user", "acme", names=NAMES[1])
    assert {"alice", "ALICE", "(none)", "Bob"} <= {row["group"] for row in shown["users"]}
    assert len(hidden["users"]) == len(shown["users"]) - 2  # alice and ALICE, bob and Bob
    assert {row["loc_id"] for row in shown["locations"] if row["active"] == "yes"} >= {"acme-vm-db", "acme-vm-open"}
    assert "(none)" in {row["users"] for row in shown["locations"]}


def test_the_location_figures_events_and_summaries_equal_what_each_view_read(fetched):
    with time_machine.travel(NOW, tick=False) as clock:
        for _moment in range(2):
            for granularity in GRANULARITIES:
                for loc in ("acme-vm-db", "acme-vm-case", "acme-vm-nobody", "acme-vm-open", "acme-vm-etl"):
                    p = period(granularity)
                    for names in NAMES:
                        assert new_location(p, "acme", loc, names) == present_location(p, "acme", loc, names)
                        events = selectors.metering_location_events("acme", loc, p, names=names)
                        assert on_columns(events, selectors.EVENT_COLUMNS) == present_events("acme", loc, p, names)
                    summaries = selectors.metering_location_summaries("acme", loc, p)
                    assert on_columns(summaries, selectors.SUMMARY_COLUMNS) == present_summaries("acme", loc, p)
            clock.shift(timedelta(minutes=5))
        open_now = selectors.metering_location_figures(period("day"), "acme", "acme-vm-open")
    assert open_now["still_active"] and open_now["hours"] == pytest.approx(9 + 10 / 60, abs=0.01)  # two shifts of 5 min
