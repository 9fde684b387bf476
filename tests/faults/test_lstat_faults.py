"""License Statistics fetches meeting faults mid-paging: each ends, after the next clean run, with every day and
hour row of every feature stored once, and no day or hour cursor past the rows stored."""

import pytest

from ingest.simulators.faults import cut, reset, status, timeout, truncated, unauthorized
from tests.faults.truth import fault_then_clean_run

pytestmark = pytest.mark.django_db

# Per license server: one page of day rows, then 5 pages of 25 hour rows (server 1) or 3 (server 2).
HISTORY = "/lstat/api/v1/report/usage-history"


@pytest.fixture(autouse=True)
def setup(sim, settings, lstat_clock):
    settings.FETCH_READ_TIMEOUT = 0.2
    sim.faults.timeout_seconds = 0.4


@pytest.mark.parametrize(
    "fault", [status(503), status(429, retry_after=1), timeout(), reset()], ids=["503", "429", "timeout", "reset"]
)
def test_a_passing_fault_mid_paging_is_retried_and_the_run_stores_everything(sim, lstat_source, fault):
    fault_then_clean_run(sim, lstat_source, HISTORY, fault, after=3)


@pytest.mark.parametrize(
    ("fault", "times", "error"),
    [
        (
            status(500),
            1,
            "GET /api/v1/report/usage-history/license-server/1/json answered HTTP 500: simulated failure",
        ),
        (status(503), 3, "/api/v1/report/usage-history/license-server/1/json answered HTTP 503 after 3 attempts"),
        (timeout(), 3, "/api/v1/report/usage-history/license-server/1/json timed out after 3 attempts"),
        (truncated(), 1, "/api/v1/report/usage-history/license-server/1/json answered malformed JSON"),
        (
            cut(),
            1,
            "/api/v1/report/usage-history/license-server/1/json lost the connection in the middle of its answer",
        ),
        (unauthorized(), 1, "answered HTTP 401: Unauthorized (check the API token)"),
    ],
    ids=["500", "503", "timeout", "truncated", "cut", "401"],
)
def test_a_failing_fault_mid_paging_fails_the_run_and_the_next_run_completes_it(sim, lstat_source, fault, times, error):
    faulted, _ = fault_then_clean_run(sim, lstat_source, HISTORY, fault, after=3, times=times, fails_with=error)

    assert faulted.cursor_after == {"day:server:1": "2026-03-03"}  # server 1's days, committed before its hours


def test_success_false_mid_paging_fails_the_run_with_license_statistics_message(sim, lstat_source):
    sim.simulators["lstat"].fail_next(
        "/api/v1/report/usage-history/license-server/2/json", "Report generation failed: database is busy", after=2
    )

    faulted, _ = fault_then_clean_run(
        sim, lstat_source,
        fails_with="License Statistics refused GET /api/v1/report/usage-history/license-server/2/json: "
        "Report generation failed: database is busy (code 500)",
    )  # fmt: skip

    assert faulted.cursor_after == {
        "day:server:1": "2026-03-03", "hour:server:1": "2026-03-04T10:00:00+00:00", "hour-from:server:1": "2026-03-03",
        "day:server:2": "2026-03-03",
    }  # fmt: skip
