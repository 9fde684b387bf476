"""License Statistics failures become clear run errors, with nothing stored by halves."""

import pytest

from ingest.models import Cursor, IngestRun
from ingest.services import run_fetch, source_save
from ingest.vendors.lstat.models import LstatSnapshot, LstatUsage

pytestmark = pytest.mark.django_db

SERVER_HISTORY = "/api/v1/report/usage-history/license-server/1/json"


def test_success_false_is_a_run_error_with_the_upstream_message(sim, lstat_clock, lstat_source):
    sim.simulators["lstat"].fail_next(SERVER_HISTORY, "Report generation failed: database is busy", code=1205)

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.FAILED
    assert "Report generation failed: database is busy (code 1205)" in run.error
    assert SERVER_HISTORY in run.error


def test_a_failure_on_a_later_page_stores_none_of_the_earlier_pages(sim, lstat_clock, lstat_source):
    # the daily request of server 1 has 3 features x 4 days = 12 rows; pages of 5 make it three requests
    lstat_source.params = {**lstat_source.params, "page_size": 5}
    lstat_source.save()
    sim.simulators["lstat"].fail_next(SERVER_HISTORY, "Session expired", code=17, after=2)

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.FAILED
    assert "Session expired (code 17)" in run.error
    assert not LstatUsage.objects.filter(feature__server__lsid=1).exists()
    assert not Cursor.objects.filter(source=lstat_source, key="day:server:1").exists()


def test_the_next_run_after_a_failure_fetches_everything_once(sim, lstat_clock, lstat_source):
    sim.simulators["lstat"].fail_next("/api/v1/report/usage-history/license-server/2/json", "busy", after=1)
    assert run_fetch(lstat_source).status == IngestRun.Status.FAILED
    stored = LstatUsage.objects.count()

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert LstatUsage.objects.count() > stored
    assert LstatUsage.objects.filter(granularity="day").count() == 5 * 4


def test_http_400_is_a_run_error_with_the_upstream_message(sim, lstat_clock, lstat_source):
    sim.simulators["lstat"].fail_next(SERVER_HISTORY, "Invalid parameter: granularity", code=400, status=400)

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.FAILED
    assert "HTTP 400" in run.error and "Invalid parameter: granularity (code 400)" in run.error


def test_http_401_names_the_token_problem_without_showing_the_token(sim, lstat_clock, lstat_source):
    source = source_save(
        kind="lstat", name="wrong-token", base_url=lstat_source.base_url, token="not-the-token-0123",
        params=lstat_source.params,
    )  # fmt: skip

    run = run_fetch(source)

    assert run.status == IngestRun.Status.FAILED
    assert "HTTP 401" in run.error and "Invalid authentication token." in run.error
    assert "not-the-token-0123" not in run.error


def test_a_failed_snapshot_keeps_no_empty_snapshot(sim, lstat_clock, lstat_source):
    sim.simulators["lstat"].fail_next("/api/v1/report/users/current/json", "Users report failed", after=1)
    lstat_source.params = {**lstat_source.params, "page_size": 10}
    lstat_source.save()

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.FAILED and "Users report failed" in run.error
    assert not LstatSnapshot.objects.exists()


def test_a_retried_server_error_still_succeeds(sim, lstat_clock, lstat_source):
    sim.faults.add("503", "/lstat/api/v1/report/usage-history", times=1)

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert LstatUsage.objects.filter(granularity="day").count() == 5 * 4


def test_a_missing_token_is_a_clear_error(lstat_clock, lstat_source):
    lstat_source.token = ""
    lstat_source.save()

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.FAILED and "needs an API token" in run.error


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lsids": "3,x"}, "lsids: takes comma-separated whole numbers"),
        ({"history_start": "2026-13-01"}, "history_start: must be a date YYYY-MM-DD"),
        ({"hourly_days": "200"}, "hourly_days: must be a whole number between 0 and 92"),
        ({"timezone": "Mars/Olympus"}, "timezone: 'Mars/Olympus' is not a known time zone"),
        ({"snapshots": "users,weather"}, "snapshots: takes users, current_usage, highest_usage or none; not weather"),
        ({"colour": "blue"}, "unknown parameter(s) colour"),
    ],
)
def test_bad_params_are_refused_with_a_clear_message(db, params, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        source_save(kind="lstat", name="bad", base_url="http://127.0.0.1:1/", token="t", params=params)


def test_a_total_count_that_never_arrives_is_a_clear_error_not_an_endless_loop(sim, lstat_clock, lstat_source):
    sim.simulators["lstat"].overstate_total = 1

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.FAILED
    assert "empty page, but totalCount promised" in run.error


def test_malformed_json_is_a_clear_run_error(sim, lstat_clock, lstat_source):
    sim.faults.add("malformed", "/lstat/api/v1/report/usage-history", times=-1)

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.FAILED
    assert "malformed JSON" in run.error and "/usage-history/license-server/1/json" in run.error
    assert not LstatUsage.objects.exists()


def test_params_are_stored_cleaned_with_their_defaults(db):
    source = source_save(
        kind="lstat", name="ok", base_url="http://127.0.0.1:1/", token="t",
        params={"lsids": " 3, 7 ,3", "history_start": "2026-01-05", "snapshots": "none"},
    )  # fmt: skip

    assert source.params == {
        "lsids": [3, 7], "fids": [], "history_start": "2026-01-05", "hourly_days": 14, "timezone": "",
        "page_size": 1000, "snapshots": [],
    }  # fmt: skip


def test_a_failed_series_stops_the_run_before_the_next_is_asked_for_and_keeps_those_before(
    sim, lstat_clock, lstat_source
):
    # server 1's series (its days, its hours) are stored while server 2's days are asked for; those fail
    simulator = sim.simulators["lstat"]
    simulator.fail_next("/api/v1/report/usage-history/license-server/2/json", "busy", code=3)

    run = run_fetch(lstat_source)

    assert run.status == IngestRun.Status.FAILED and "busy (code 3)" in run.error
    history = [(path, q.get("granularity")) for path, q in simulator.requests if "usage-history" in path]
    assert history[-1] == ("/api/v1/report/usage-history/license-server/2/json", "5")  # nothing asked after it
    assert ("/api/v1/report/usage-history/license-server/1/json", "6") in history
    assert LstatUsage.objects.filter(feature__server__lsid=1, granularity="hour").exists()
    assert Cursor.objects.filter(source=lstat_source, key="hour:server:1").exists()
    assert not LstatUsage.objects.filter(feature__server__lsid=2).exists()


def test_each_servers_days_then_hours_are_asked_for_one_after_another(sim, lstat_clock, lstat_source):
    simulator = sim.simulators["lstat"]

    assert run_fetch(lstat_source).status == IngestRun.Status.SUCCEEDED

    history = [(p.split("/")[-2], q["granularity"]) for p, q in simulator.requests if "usage-history" in p]
    series = [s for i, s in enumerate(history) if i == 0 or history[i - 1] != s]  # each series' pages as one
    assert series == [("1", "5"), ("1", "6"), ("2", "5"), ("2", "6")]
    assert len(history) > len(series)  # hours come in pages of 25 rows
