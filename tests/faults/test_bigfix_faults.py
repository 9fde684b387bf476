"""BigFix fetches meeting faults mid-paging, and an import starting mid-run: each ends, after the next clean run,
with every row BigFix serves stored once, and the window never marked as held while it is not."""

import pytest

from ingest.models import Cursor, IngestRun
from ingest.services import run_fetch
from ingest.simulators.faults import cut, reset, status, timeout, truncated, unauthorized
from tests.bigfix.truth import BigfixTruth
from tests.faults.truth import cursors, fault_then_clean_run

pytestmark = pytest.mark.django_db

USAGES = "/bigfix/api/sam/license_usages"  # 90 rows: 4 pages of 25


@pytest.fixture(autouse=True)
def short_timeouts(sim, settings):
    settings.FETCH_READ_TIMEOUT = 0.2
    sim.faults.timeout_seconds = 0.4


@pytest.mark.parametrize(
    "fault",
    [status(503), status(429, retry_after=1), timeout(), reset(), unauthorized()],
    ids=["503", "429", "timeout", "reset", "401"],
)
def test_a_passing_fault_mid_paging_is_cured_and_the_run_stores_everything(sim, bigfix_source, fault):
    faulted, clean = fault_then_clean_run(sim, bigfix_source, USAGES, fault, after=2)

    assert faulted.records_created == 90
    assert clean.details["unchanged_since_import"] == faulted.cursor_after["last_import"]


@pytest.mark.parametrize(
    ("fault", "times", "error"),
    [
        (status(500), 1, "GET /api/sam/license_usages answered HTTP 500: simulated failure"),
        (status(503), 3, "GET /api/sam/license_usages answered HTTP 503 after 3 attempts"),
        (reset(), 3, "GET /api/sam/license_usages lost the connection (reset by the server) after 3 attempts"),
        (truncated(), 1, "/api/sam/license_usages answered malformed JSON"),
        (cut(), 1, "GET /api/sam/license_usages lost the connection in the middle of its answer"),
        (unauthorized(), 2, "BigFix refused a freshly issued token (HTTP 401)"),
    ],
    ids=["500", "503", "reset", "truncated", "cut", "401"],
)
def test_a_failing_fault_mid_paging_fails_the_run_and_the_next_run_completes_it(
    sim, bigfix_source, fault, times, error
):
    faulted, clean = fault_then_clean_run(sim, bigfix_source, USAGES, fault, after=2, times=times, fails_with=error)

    assert faulted.records_created == 50 and faulted.cursor_after == {}  # two pages, and no window held
    assert clean.records_created == 40


def import_starts(simulator, *, after, progress):
    """BigFix starts an import once `after` usage requests were answered: `progress` % of systems change."""
    answer = simulator.license_usages

    def license_usages(request):
        if len(simulator.requests) == after:
            simulator.start_import(progress=progress)
        return answer(request)

    simulator.license_usages = license_usages


def test_an_import_starting_mid_run_is_fetched_again_until_it_has_finished(sim, bigfix_source):
    simulator = sim.simulators["bigfix"]
    before = BigfixTruth.ground_truth(sim)
    import_starts(simulator, after=2, progress=60)  # pages 3 and 4 show 3 of 5 systems as the new import has them

    mixed = run_fetch(bigfix_source)
    during = run_fetch(bigfix_source)
    assert BigfixTruth.stored(bigfix_source) == BigfixTruth.ground_truth(sim) != before
    simulator.finish_import()
    after = run_fetch(bigfix_source)
    unchanged = run_fetch(bigfix_source)

    assert [r.status for r in (mixed, during, after, unchanged)] == [IngestRun.Status.SUCCEEDED] * 4
    assert mixed.details["import_mode"] == "running" and mixed.cursor_after == {"refetch": "1"}
    assert during.records_fetched == 90 and during.cursor_after == {"refetch": "1"}
    assert after.records_fetched == 90 and cursors(bigfix_source)["refetch"] == "0"
    assert unchanged.details["unchanged_since_import"] == cursors(bigfix_source)["last_import"]
    assert BigfixTruth.stored(bigfix_source) == BigfixTruth.ground_truth(sim)
    assert Cursor.objects.filter(source=bigfix_source, key="last_import").exists()
