"""BigFix's Import-* headers: kept on the run, shown on the Sources page, and re-fetching after an import."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from ingest.models import Cursor, IngestRun
from ingest.services import run_fetch
from ingest.vendors.bigfix.models import BigfixUsage

pytestmark = pytest.mark.django_db

LAST_IMPORT = datetime(2026, 3, 4, 4, 20, tzinfo=UTC)  # the simulator's daily import before SIM_END


def stored_values():
    return {
        (
            u.software_title_id,
            u.metric_name,
            u.computer_system_id,
            u.reporting_period_start_date.isoformat(),
        ): u.peak_value
        for u in BigfixUsage.objects.all()
    }


def served_values(sim):
    return {
        (r["software_title_id"], r["metric_name"], r["computer_system_id"], r["reporting_period_start_date"]): r[
            "peak_value"
        ]
        for r in sim.simulators["bigfix"].rows()
    }


def cursor(source, key):
    return Cursor.objects.filter(source=source, key=key).values_list("value", flat=True).first()


# The last import, 2026-03-04 04:20 UTC, as the Sources page shows it in each display zone the suite runs in.
LAST_IMPORT_SHOWN = {
    "UTC": "2026-03-04 04:20 UTC",
    "America/New_York": "2026-03-03 23:20 EST",
    "Asia/Kolkata": "2026-03-04 09:50 IST",
}


def test_it_keeps_the_import_headers_of_an_idle_server_on_the_run(bigfix_source, settings):
    run = run_fetch(bigfix_source)

    assert run.details["import_mode"] == "idle"
    assert run.details["import_progress"] is None
    assert run.details["import_last_status"] == "successful"
    assert run.details["import_last_success_time"] == LAST_IMPORT.isoformat()
    shown = LAST_IMPORT_SHOWN[settings.TIME_ZONE]
    assert run.details["import_summary"] == f"BigFix import idle; last successful import {shown}"
    assert cursor(bigfix_source, "last_import") == LAST_IMPORT.isoformat()


def test_it_reads_the_iso_form_of_the_last_success_time_too(sim, bigfix_source):
    sim.simulators["bigfix"].http_dates = False

    run = run_fetch(bigfix_source)

    assert run.details["import_last_success_time"] == LAST_IMPORT.isoformat()


def test_a_running_import_is_stored_on_the_run_and_shown_on_the_sources_page(sim, bigfix_source, viewer):
    sim.simulators["bigfix"].start_import(progress=41)

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert (run.details["import_mode"], run.details["import_progress"]) == ("running", 41)
    assert run.details["import_summary"] == "BigFix import running, 41 %"
    page = viewer.get(reverse("ingest:sources"))
    assert "BigFix import running, 41 %" in page.content.decode()


def test_data_served_during_an_import_is_fetched_again_after_it_finishes(sim, bigfix_source):
    simulator = sim.simulators["bigfix"]
    simulator.start_import(progress=41)
    run_fetch(bigfix_source)
    assert cursor(bigfix_source, "refetch") == "1"
    during = stored_values()

    simulator.finish_import()
    run = run_fetch(bigfix_source)

    assert run.details["import_mode"] == "idle"
    assert run.records_fetched == len(served_values(sim))
    assert stored_values() == served_values(sim) != during
    assert cursor(bigfix_source, "refetch") == "0"
    assert cursor(bigfix_source, "last_import") == simulator.last_success.isoformat()


def test_an_import_that_starts_in_the_middle_of_a_fetch_has_its_window_fetched_again(sim, bigfix_source):
    simulator = sim.simulators["bigfix"]
    simulator.import_starts_after = 2  # the third page is served while the import runs
    first = run_fetch(bigfix_source)
    assert first.details["import_summary"] == "BigFix import running, 5 %"
    assert (cursor(bigfix_source, "refetch"), cursor(bigfix_source, "last_import")) == ("1", None)

    simulator.finish_import()
    run = run_fetch(bigfix_source)

    assert run.records_fetched == len(served_values(sim))
    assert stored_values() == served_values(sim)
    assert cursor(bigfix_source, "refetch") == "0"


def test_after_a_failed_import_the_half_imported_data_is_fetched_again(sim, bigfix_source):
    simulator = sim.simulators["bigfix"]
    run_fetch(bigfix_source)
    simulator.start_import(progress=60)
    run_fetch(bigfix_source)
    half_imported = stored_values()

    simulator.fail_import()  # BigFix still reports the same last successful import
    run = run_fetch(bigfix_source)

    assert run.details["import_last_status"] == "failed"
    assert "the last import failed" in run.details["import_summary"]
    assert run.records_fetched == len(served_values(sim))
    assert stored_values() == served_values(sim) != half_imported


def test_while_bigfix_reports_the_same_import_nothing_is_fetched_again(sim, bigfix_source):
    run_fetch(bigfix_source)

    again = run_fetch(bigfix_source)

    assert again.status == IngestRun.Status.SUCCEEDED
    assert again.records_fetched == 0
    assert again.details["unchanged_since_import"] == LAST_IMPORT.isoformat()
    assert len(sim.simulators["bigfix"].requests) == 4 + 1  # four pages, then one request to read the headers


def test_a_failure_mid_fetch_leaves_the_cursors_so_the_next_run_fetches_the_whole_window(sim, bigfix_source):
    sim.faults.add("503", "/bigfix/api/sam/license_usages", times=3, after=2)
    failed = run_fetch(bigfix_source)
    assert failed.status == IngestRun.Status.FAILED
    assert "answered HTTP 503 after 3 attempts" in failed.error
    assert cursor(bigfix_source, "last_import") is None

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert run.records_fetched == len(served_values(sim))
    assert stored_values() == served_values(sim)


def test_a_server_that_never_imported_answers_no_rows_and_says_so(sim, bigfix_source):
    sim.simulators["bigfix"].mode = "none"

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert run.details["import_summary"] == "BigFix has never imported data"
    assert BigfixUsage.objects.count() == 0


def test_an_unknown_import_mode_is_a_payload_error(sim, bigfix_source):
    sim.simulators["bigfix"].mode = "exploding"

    run = run_fetch(bigfix_source)

    assert run.status == IngestRun.Status.FAILED
    assert "Import-Mode 'exploding'" in run.error
