"""Fetches killed mid-run, and fetches that run long: real `manage.py ingest` processes against the simulators.

The fetch under test runs in a process of its own on the test database (a file on SQLite: see settings_test),
so the tests commit what it must see (`transactional_db`) and kill it as an operator or the worker would.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from ingest.models import Cursor, IngestRun
from ingest.services import run_fetch
from ingest.vendors.mls.models import MlsRecord, MlsRollup, MlsSupervisor

BASE_DIR = Path(__file__).resolve().parent.parent
MINUTES = 2 * 24 * 60  # the MLS simulator's two days of history, per supervisor
INGEST = """
import sys
import django
from django.conf import settings
settings.DATABASES["default"]["NAME"] = sys.argv[1]  # the test database, not the one it was made for
for name, value in (arg.split("=") for arg in sys.argv[3:]):
    setattr(settings, name, float(value))
django.setup()
from django.core.management import call_command
call_command("ingest", sys.argv[2])
"""


@pytest.fixture
def heartbeat(settings):
    """Set heartbeats short enough to wait for, here and in the fetch's process (the settings returned)."""

    def every(interval, *, dead_after):
        settings.FETCH_HEARTBEAT_INTERVAL, settings.FETCH_HEARTBEAT_TIMEOUT = interval, dead_after
        return {"FETCH_HEARTBEAT_INTERVAL": interval, "FETCH_HEARTBEAT_TIMEOUT": dead_after}

    return every


def slow_down(simulator, seconds):
    """Each MLS records request answers only after `seconds`, so a fetch is caught mid-run."""
    records = simulator.records

    def slowly(request):
        time.sleep(seconds)
        return records(request)

    simulator.records = slowly


def start_ingest(source, settings):
    """`manage.py ingest SOURCE` in a process of its own, on this test's database, with these settings."""
    overrides = [f"{name}={value}" for name, value in {"FETCH_READ_TIMEOUT": 10, **settings}.items()]
    return subprocess.Popen(
        [sys.executable, "-c", INGEST, str(connection.settings_dict["NAME"]), source.name, *overrides],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "dashboard.settings_test"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for_first_page(source, process, timeout=30):
    deadline = time.monotonic() + timeout
    while not Cursor.objects.filter(source=source).exists():
        assert process.poll() is None, f"the fetch ended before its first page: {process.stdout.read()}"
        assert time.monotonic() < deadline, "no page was committed in time"
        time.sleep(0.05)


def stored(source):
    """Every MLS minute and hourly rollup of the source, as values."""
    records = MlsRecord.objects.filter(supervisor__source=source)
    rollups = MlsRollup.objects.filter(supervisor__source=source).order_by("supervisor__macaddress", "bucket")
    return (
        sorted(records.values_list("supervisor__macaddress", "record_id", "lic_used", "lic_prepaid", "lic_metered")),
        list(rollups.values_list("supervisor__macaddress", "bucket", "samples", "used_sum", "used_max")),
    )


def clean_fetch(source):
    """What one fetch from nothing stores: the ground truth a crashed and resumed fetch must equal."""
    MlsSupervisor.objects.filter(source=source).delete()
    Cursor.objects.filter(source=source).delete()
    assert run_fetch(source).status == IngestRun.Status.SUCCEEDED
    return stored(source)


@pytest.mark.django_db(transaction=True)
def test_a_killed_fetch_is_marked_interrupted_and_the_next_fetch_completes_its_data(sim, mls_source, heartbeat):
    slow_down(sim.simulators["mls"], 0.3)
    process = start_ingest(mls_source, heartbeat(0.2, dead_after=2.0))
    wait_for_first_page(mls_source, process)

    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)

    committed = MlsRecord.objects.count()
    killed = IngestRun.objects.get(source=mls_source)
    assert 0 < committed < 2 * MINUTES
    assert killed.status == IngestRun.Status.RUNNING  # until the next fetch finds it dead
    assert run_fetch(mls_source).status == IngestRun.Status.SKIPPED  # not dead yet: its heartbeat is recent
    time.sleep(2.2)

    resumed = run_fetch(mls_source)

    killed.refresh_from_db()
    assert resumed.status == IngestRun.Status.SUCCEEDED, resumed.error
    assert killed.status == IngestRun.Status.INTERRUPTED
    assert killed.error.startswith("interrupted: the fetch stopped without finishing (killed or timed out)")
    assert "resumed from the committed cursor at 00:1A:2B:3C:4D:5E=" in killed.error
    assert killed.finished_at is not None and killed.cursor_after == resumed.cursor_before
    assert resumed.records_created == 2 * MINUTES - committed  # nothing fetched twice
    assert MlsRecord.objects.count() == 2 * MINUTES
    assert stored(mls_source) == clean_fetch(mls_source)  # nothing lost, nothing doubled


@pytest.mark.django_db(transaction=True)
def test_a_long_fetch_keeps_its_lock_alive_and_a_second_fetch_is_skipped(sim, mls_source, heartbeat):
    mls_source.params["per_page"] = "5000"  # one page and the empty one per supervisor
    mls_source.save()
    slow_down(sim.simulators["mls"], 1.5)  # each answer takes longer than a heartbeat may be missed
    process = start_ingest(mls_source, heartbeat(0.1, dead_after=1.0))
    wait_for_first_page(mls_source, process)
    time.sleep(2.0)

    second = run_fetch(mls_source, trigger="schedule")

    assert second.status == IngestRun.Status.SKIPPED
    assert second.error.startswith("Skipped: already running: another fetch of this source has been running since")
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    first = IngestRun.objects.get(source=mls_source, trigger="command")
    assert first.status == IngestRun.Status.SUCCEEDED, first.error
    assert first.records_created == 2 * MINUTES
    assert MlsRecord.objects.count() == 2 * MINUTES
    mls_source.refresh_from_db()
    assert (mls_source.locked_at, mls_source.heartbeat_at) == (None, None)


@pytest.mark.django_db(transaction=True)
def test_two_fetches_started_together_never_overlap(sim, mls_source, heartbeat):
    slow_down(sim.simulators["mls"], 0.5)

    processes = [start_ingest(mls_source, heartbeat(0.1, dead_after=1.0)) for _ in range(2)]
    for process in processes:
        process.communicate(timeout=60)

    runs = IngestRun.objects.filter(source=mls_source)
    assert sorted(runs.values_list("status", flat=True)) == [IngestRun.Status.SKIPPED, IngestRun.Status.SUCCEEDED]
    assert runs.get(status=IngestRun.Status.SUCCEEDED).records_created == 2 * MINUTES
    assert MlsRecord.objects.count() == 2 * MINUTES
