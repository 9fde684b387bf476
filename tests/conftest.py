from datetime import UTC, datetime

import pytest
import time_machine

from ingest.services import source_save
from ingest.simulators.server import SimulatorServer

# The simulators' history ends here in tests, so data is the same on every run.
SIM_END = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday noon
MAC_A = "00:1A:2B:3C:4D:5E"
MAC_B = "00:1A:2B:3C:4D:5F"


@pytest.fixture
def sim():
    """Every vendor simulator on a loopback port, with a short fixed history."""
    options = {
        "mls": {"history_days": 2, "end": SIM_END},
        "metering": {"history_days": 2, "end": SIM_END},
        "lstat": {"history_days": 3, "end": SIM_END},
        "bigfix": {"history_days": 60, "end": SIM_END},
    }
    server = SimulatorServer(options=options).start()
    server.faults.timeout_seconds = 2.0
    yield server
    server.stop()


@pytest.fixture
def mls_source(sim, db):
    return source_save(
        kind="mls",
        name="test-mls",
        base_url=sim.url("mls"),
        username="demo",
        password="demo-password",
        params={"macaddresses": f"{MAC_A},{MAC_B}", "per_page": "1000"},
    )


@pytest.fixture
def bigfix_source(sim, db):
    """A BigFix source that gets its token with get_token, 25 rows per page."""
    return source_save(
        kind="bigfix",
        name="test-bigfix",
        base_url=sim.url("bigfix"),
        username="demo",
        password="demo-password",
        params={"limit": "25"},
    )


@pytest.fixture
def lstat_clock():
    """Our clock at the simulators' end, ticking: License Statistics' open hour and day are "now"."""
    with time_machine.travel(SIM_END, tick=True) as traveller:
        yield traveller


@pytest.fixture
def lstat_source(sim, db):
    """A License Statistics source over the simulator's three days, 25 rows per page."""
    return source_save(
        kind="lstat",
        name="test-lstat",
        base_url=sim.url("lstat"),
        token="demo-token",
        params={"history_start": "2026-03-01", "hourly_days": "2", "page_size": "25", "timezone": "UTC"},
    )


@pytest.fixture
def metering_source(sim, db):
    """A metering source over both simulated tenants, as the ADMIN user, from the start of their history."""
    return source_save(
        kind="metering",
        name="test-metering",
        base_url=sim.url("metering"),
        username="admin",
        password="admin-password",
        params={"tenants": "acme,globex", "since": "2026-03-02T12:00:00Z", "window_hours": "12"},
    )


@pytest.fixture
def viewer(db, django_user_model, client):
    """A logged-in license admin who is not staff."""
    user = django_user_model.objects.create_user("viewer", password="viewer-pass-123")
    client.force_login(user)
    return client
