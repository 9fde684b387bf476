"""Intervals are updated from each window's events only, and always equal pairing the whole history again."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from ingest.models import Cursor, IngestRun
from ingest.services import run_fetch, source_save
from ingest.simulators.server import SimulatorServer
from ingest.vendors.base import Page
from ingest.vendors.metering.models import MeteringInterval, MeteringLocation
from ingest.vendors.metering.storage import rebuild_intervals, store_events
from reports.metering.selectors import metering_hours_series, metering_intervals, metering_tenants
from reports.periods import Period

pytestmark = pytest.mark.django_db

FIRST_END = datetime(2026, 3, 7, 12, tzinfo=UTC)  # the service's clock at the first fetch
LAST_END = datetime(2026, 3, 10, 12, tzinfo=UTC)  # ... and at the last: New York moved to summer time on 8 March
ZONES = ["UTC", "America/New_York", "Asia/Kolkata", "Europe/Berlin"]


@pytest.fixture
def metering_sim():
    server = SimulatorServer(options={"metering": {"history_days": 5, "end": FIRST_END}}, kinds=["metering"]).start()
    yield server
    server.stop()


def intervals():
    fields = ["source_id", "tenant", "loc_id", "amp_id", "started_at", "ended_at", "entity_id", "user"]
    return sorted(MeteringInterval.objects.values_list(*fields), key=repr)


def rebuilt():
    """The intervals pairing every location's whole history from scratch gives (and leaves stored)."""
    for location in MeteringLocation.objects.select_related("source"):
        rebuild_intervals(location.source, location.tenant, location.loc_id)
    return intervals()


def series_by_zone():
    period = Period(start=datetime(2026, 3, 1).date(), end=LAST_END.date(), granularity="hour")
    found = {}
    for zone in ZONES:
        with timezone.override(zone):
            rows = metering_intervals(period)
            found[zone] = (
                metering_hours_series(rows, "hour", "location"),
                metering_hours_series(rows, "day", "tenant"),
            )
    return found


def inject(sm, tenant, loc, when, state, event_id, amp=None, user="zoe"):
    sm.inject(tenant, {
        "id": event_id, "tenantId": tenant, "ampId": amp or sm.tenants[tenant]["amp"], "locId": loc, "state": state,
        "date": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "entityId": f"ent-{loc}", "user": user,
    })  # fmt: skip


def fetch(source):
    run = run_fetch(source)
    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    return datetime.fromisoformat(Cursor.objects.get(source=source, key="acme").value)


def test_fetches_with_late_repeated_and_out_of_order_events_give_the_intervals_of_a_full_rebuild(metering_sim):
    sm = metering_sim.simulators["metering"]
    source = source_save(kind="metering", name="incremental", base_url=metering_sim.url("metering"),
                         username="admin", password="admin-password",
                         params={"tenants": "acme,globex", "since": "2026-03-02T12:00:00Z", "window_hours": "12"})  # fmt: skip
    cursor = fetch(source)
    # Late arrivals behind the cursor (inside the re-read hour): a location opened twice, the same event
    # twice, a destroyed that closes the long-lived server early, and the same second opening and closing.
    inject(sm, "acme", "acme-vm-late", cursor - timedelta(minutes=50), "created", 9001)
    inject(sm, "acme", "acme-vm-late", cursor - timedelta(minutes=50), "CREATED", 9002)
    inject(sm, "acme", "acme-vm-late", cursor - timedelta(minutes=40), "created", 9003, amp="amp-acme-02")
    inject(sm, "acme", "acme-vm-db", cursor - timedelta(minutes=30), "destroyed", 9004)
    inject(sm, "acme", "acme-vm-db", cursor + timedelta(hours=5), "created", 9005)
    inject(sm, "globex", "globex-vm-lab", cursor - timedelta(minutes=20), "destroyed", 9006)
    inject(sm, "globex", "globex-vm-lab", cursor - timedelta(minutes=20), "created", 9007)
    inject(sm, "globex", "globex-vm-lab", cursor + timedelta(hours=30), "stopped", 9008)
    sm.fixed_end = FIRST_END + timedelta(days=1, hours=7)
    cursor = fetch(source)
    inject(sm, "acme", "acme-vm-late", cursor - timedelta(minutes=45), "destroyed", 9009)
    inject(sm, "acme", "acme-vm-late", cursor - timedelta(minutes=45), "created", 9010, amp="amp-acme-00")
    inject(sm, "acme", "acme-vm-late", cursor - timedelta(minutes=5), "destroyed", 9011)
    sm.fixed_end = LAST_END
    fetch(source)

    incremental, series = intervals(), series_by_zone()
    assert incremental == rebuilt()
    assert series == series_by_zone()
    assert ("acme", "acme-vm-late") in {(i[1], i[2]) for i in incremental}
    assert {t["tenant"]: t["locations"] for t in metering_tenants()} == {"acme": 5, "globex": 4}


def random_events(rng, source_id, start):
    """Events of three locations in two days, on the ten minutes: same-second pairs, repeats, other states."""
    states = ["created", "created", "destroyed", "destroyed", "stopped"]
    events = []
    for n in range(400):
        when = start + timedelta(minutes=10 * rng.randrange(48 * 6))
        loc, amp, state = rng.choice(["vm-a", "vm-b", "vm-c"]), rng.choice(["amp-1", "amp-2"]), rng.choice(states)
        events.append((source_id, "acme", amp, loc, when, state, f"ent-{n}", "", "", f"user-{n % 7}", [], str(n), {}))
    return sorted(events, key=lambda e: e[4])


def pages(rng, events, start):
    """Overlapping two-hour windows in order, shuffled; some events come pages late (past any overlap),
    and now and then a page repeats older events with a changed user."""
    stored, late = [], []
    for hour in range(0, 50, 2):
        low, high = start + timedelta(hours=hour, minutes=-30), start + timedelta(hours=hour + 2)
        page = []
        for e in (e for e in events if low <= e[4] <= high):
            (late if rng.random() < 0.1 else page).append(e)
        if late and rng.random() < 0.3:
            page, late = page + late, []
        if stored and rng.random() < 0.3:
            page += [(*e[:9], "changed-user", *e[10:]) for e in rng.sample(stored, min(len(stored), 4))]
        rng.shuffle(page)
        stored += page
        yield page
    yield late


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_stored_page_leaves_the_intervals_a_full_rebuild_gives(db, seed):
    rng, start = random.Random(seed), datetime(2026, 3, 28, 22, tzinfo=UTC)
    source = source_save(kind="metering", name=f"generated-{seed}", base_url="http://127.0.0.1:9/",
                         username="admin", password="x", params={"tenants": "acme"})  # fmt: skip
    events = random_events(rng, source.pk, start)
    for page in pages(rng, events, start):
        with transaction.atomic():
            store_events(Page(source), source, "acme", page)

        incremental = intervals()
        assert incremental == rebuilt()
    assert len(incremental) > 10
