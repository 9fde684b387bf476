"""MLS fetches meeting faults mid-paging: each ends, after the next clean run, with the simulator's every minute
stored once, its hours rolled up once, and its cursors never past committed minutes."""

import pytest

from ingest.services import source_save
from ingest.simulators.faults import cut, reset, status, timeout, truncated, unauthorized
from tests.faults.truth import fault_then_clean_run

pytestmark = pytest.mark.django_db

RECORDS = "/mls/api/v2/records"  # 4 requests per supervisor: 3 pages of 1,000 minutes and the empty one
MINUTES = 2 * 24 * 60  # of each supervisor


@pytest.fixture
def mls_source(sim, db, settings):
    """The suite's MLS source, over one supervisor (so each case stays quick), with short timeouts."""
    simulator = sim.simulators["mls"]
    simulator.supervisors = simulator.supervisors[:1]
    settings.FETCH_READ_TIMEOUT = 0.2
    sim.faults.timeout_seconds = 0.4
    return source_save(**simulator.test_source(sim.url("mls")))


@pytest.mark.parametrize(
    "fault",
    [status(500), status(503), status(429, retry_after=1), timeout(), reset()],
    ids=["500", "503", "429", "timeout", "reset"],
)
def test_a_passing_fault_mid_paging_is_retried_and_the_run_stores_everything(sim, mls_source, fault):
    faulted, clean = fault_then_clean_run(sim, mls_source, RECORDS, fault, after=2)

    assert faulted.records_created == MINUTES
    assert clean.records_fetched == 0  # nothing left to fetch


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (status(503), "GET /api/v2/records answered HTTP 503 after 3 attempts"),
        (timeout(), "GET /api/v2/records timed out after 3 attempts"),
        (reset(), "GET /api/v2/records lost the connection (reset by the server) after 3 attempts"),
    ],
    ids=["503", "timeout", "reset"],
)
def test_a_fault_that_outlasts_the_retries_fails_the_run_and_the_next_run_completes_it(sim, mls_source, fault, error):
    faulted, clean = fault_then_clean_run(sim, mls_source, RECORDS, fault, after=2, times=3, fails_with=error)

    assert faulted.records_created == 2 * 1000  # the two pages before the fault, committed
    assert faulted.records_created + clean.records_created == MINUTES


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (truncated(), "/api/v2/records answered malformed JSON"),
        (cut(), "GET /api/v2/records lost the connection in the middle of its answer"),
    ],
    ids=["truncated", "cut"],
)
def test_a_broken_body_fails_the_run_naming_the_request(sim, mls_source, fault, error):
    faulted, clean = fault_then_clean_run(sim, mls_source, RECORDS, fault, after=2, fails_with=error)

    assert faulted.records_created + clean.records_created == MINUTES


def test_a_token_refused_halfway_through_is_renewed_and_the_run_goes_on(sim, mls_source):
    faulted, _ = fault_then_clean_run(sim, mls_source, RECORDS, unauthorized(), after=2)

    assert sim.simulators["mls"].logins == 2 + 1  # the first, the renewal, and the clean run's
    assert faulted.records_created == MINUTES


def test_a_token_refused_again_after_renewal_fails_the_run_clearly(sim, mls_source):
    fault_then_clean_run(
        sim, mls_source, RECORDS, unauthorized(), after=2, times=2,
        fails_with="MLS refused a freshly issued token (HTTP 401): check that this account may read supervisor",
    )  # fmt: skip
