"""Metering fetches meeting faults mid-window: each ends, after the next clean run, with every event stored once,
the active intervals the reports read equal to the service's, and no tenant cursor past the events stored."""

import pytest

from ingest.simulators.faults import cut, reset, status, timeout, truncated, unauthorized
from tests.faults.truth import fault_then_clean_run

pytestmark = pytest.mark.django_db

# Each 12-hour window reads /usage/location, /usage/location/hour and one /usage/location-metadata per location.
USAGE = "/metering/usage/location"


@pytest.fixture(autouse=True)
def short_timeouts(sim, settings):
    settings.FETCH_READ_TIMEOUT = 0.2
    sim.faults.timeout_seconds = 0.4


@pytest.mark.parametrize(
    "fault",
    [status(503), status(429, retry_after=1), timeout(), reset()],
    ids=["503", "429", "timeout", "reset"],
)
def test_a_passing_fault_mid_window_is_retried_and_the_run_stores_everything(sim, metering_source, fault):
    faulted, clean = fault_then_clean_run(sim, metering_source, USAGE, fault, after=4)

    assert clean.records_created == 0


@pytest.mark.parametrize(
    ("fault", "times", "error"),
    [
        (status(500), 1, "answered HTTP 500"),
        (status(503), 3, "answered HTTP 503 after 3 attempts"),
        (timeout(), 3, "timed out after 3 attempts"),
        (truncated(), 1, "answered malformed JSON"),
        (cut(), 1, "lost the connection in the middle of its answer"),
        (unauthorized(), 1, "(HTTP 401): check the credentials"),
    ],
    ids=["500", "503", "timeout", "truncated", "cut", "401"],
)
def test_a_failing_fault_mid_window_fails_the_run_and_the_next_run_completes_it(
    sim, metering_source, fault, times, error
):
    faulted, _ = fault_then_clean_run(sim, metering_source, USAGE, fault, after=4, times=times, fails_with=error)

    assert faulted.cursor_after == {"acme": "2026-03-03T00:00:00Z"}  # acme's first window, committed
