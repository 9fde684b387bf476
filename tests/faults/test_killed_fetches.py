"""Fetches killed between pages (SIGKILL to a real `manage.py ingest` process, as tests/test_crashed_fetches.py
does for MLS), for the connectors whose cursors work otherwise: BigFix's whole-window fetch and metering's
windows (each vendor whose Truth names `killed_between_pages`). The next fetch marks the killed run interrupted
and ends with the simulator's ground truth."""

import signal
import time

import pytest

from ingest.models import IngestRun
from ingest.services import run_fetch
from tests.faults.truth import every_truth
from tests.test_crashed_fetches import heartbeat, start_ingest  # noqa: F401 (heartbeat is a fixture)

# The vendors whose Truth names the handler each page's request reaches (tests/<kind>/truth.py).
KILLABLE = {kind: truth for kind, truth in every_truth().items() if getattr(truth, "killed_between_pages", None)}


def slow_down(simulator, handler, seconds):
    """Each request to this handler is answered only after `seconds`, so a fetch is caught between pages."""
    answer = getattr(simulator, handler)

    def slowly(request, **kwargs):
        time.sleep(seconds)
        return answer(request, **kwargs)

    setattr(simulator, handler, slowly)


def wait_for_first_page(source, process, timeout=30):
    deadline = time.monotonic() + timeout
    while not IngestRun.objects.filter(source=source, records_fetched__gt=0).exists():
        assert process.poll() is None, f"the fetch ended before its first page: {process.stdout.read()}"
        assert time.monotonic() < deadline, "no page was committed in time"
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", sorted(KILLABLE))
def test_a_fetch_killed_between_pages_is_completed_by_the_next_one(sim, kind, request, heartbeat):  # noqa: F811
    source, vendor = request.getfixturevalue(f"{kind}_source"), KILLABLE[kind]
    truth = vendor.ground_truth(sim)
    slow_down(sim.simulators[kind], vendor.killed_between_pages, 0.3)
    process = start_ingest(source, heartbeat(0.2, dead_after=1.0))
    wait_for_first_page(source, process)

    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    stored = vendor.stored(source)
    assert stored != truth  # caught mid-run
    vendor.committed(sim, source, truth, stored)  # nothing wrong stored, no cursor past its rows
    time.sleep(1.2)  # the killed fetch's lock dies
    resumed = run_fetch(source)

    killed = IngestRun.objects.get(source=source, trigger="command")
    assert resumed.status == IngestRun.Status.SUCCEEDED, resumed.error
    assert killed.status == IngestRun.Status.INTERRUPTED
    assert killed.cursor_after == resumed.cursor_before
    stored = vendor.stored(source)
    assert stored == truth
    vendor.committed(sim, source, truth, stored)
    assert killed.records_created + resumed.records_created == vendor.rows(truth)
