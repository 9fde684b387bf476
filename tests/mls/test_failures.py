"""How MLS fetches fail: retries, credentials, malformed pages, and what they leave behind."""

import json
import logging

import pytest

from ingest.models import Cursor, IngestRun
from ingest.services import run_fetch, source_save
from ingest.simulators.server import Response
from ingest.vendors.mls.models import MlsRecord
from tests.conftest import MAC_A

pytestmark = pytest.mark.django_db

RECORDS = "/mls/api/v2/records"


def test_it_retries_5xx_and_429_then_succeeds(sim, mls_source):
    sim.faults.add("503", RECORDS, times=1)
    sim.faults.add("429", RECORDS, times=1)

    run = run_fetch(mls_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert MlsRecord.objects.count() == run.records_fetched > 0


def test_it_retries_a_timeout(sim, mls_source, settings):
    settings.FETCH_READ_TIMEOUT = 0.3
    sim.faults.timeout_seconds = 1.0
    sim.faults.add("timeout", RECORDS, times=1)

    run = run_fetch(mls_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error


def test_it_fails_clearly_when_5xx_persists(sim, mls_source):
    sim.faults.add("500", RECORDS, times=-1)

    run = run_fetch(mls_source)

    assert run.status == IngestRun.Status.FAILED
    assert 'GET /api/v2/records answered HTTP 500 after 3 attempts: {"error": "simulated failure"}' in run.error
    assert not Cursor.objects.exists()


def test_a_malformed_page_fails_the_run_and_keeps_the_cursor_at_the_last_committed_page(sim, mls_source):
    sim.faults.add("malformed", RECORDS, after=2, times=1)  # page 1 and 2 arrive, page 3 is broken

    run = run_fetch(mls_source)

    assert run.status == IngestRun.Status.FAILED
    assert "malformed JSON" in run.error
    stored = MlsRecord.objects.filter(supervisor__macaddress=MAC_A)
    assert stored.count() == 2 * 1000  # the two committed pages of 1000
    last_id = stored.order_by("-record_id").first().record_id
    assert Cursor.objects.get(key=MAC_A).value == str(last_id + 1)
    assert run.cursor_after == {MAC_A: str(last_id + 1)}


def test_the_next_run_repairs_a_failed_one(sim, mls_source):
    sim.faults.add("malformed", RECORDS, after=2, times=1)
    run_fetch(mls_source)

    run = run_fetch(mls_source)

    assert run.status == IngestRun.Status.SUCCEEDED
    assert MlsRecord.objects.count() == 2 * 2 * 24 * 60


def serve_broken_record(simulator, index, **changes):
    """Make the MLS simulator spoil one record of every page."""
    original = simulator.records

    def records(request):
        rows = json.loads(original(request).body)
        if len(rows) > index:
            rows[index].update(changes)
            for field in [f for f, v in changes.items() if v is None]:
                del rows[index][field]
        return Response(rows)

    simulator.records = records


def test_a_record_with_a_bad_value_is_named_in_the_error(sim, mls_source):
    serve_broken_record(sim.simulators["mls"], 5, lic_used="many")

    run = run_fetch(mls_source)

    assert run.status == IngestRun.Status.FAILED
    assert "MLS page 1 for 00:1A:2B:3C:4D:5E, record 5 (id " in run.error
    assert "'lic_used' is 'many', not a whole number" in run.error
    assert MlsRecord.objects.count() == 0


def test_a_record_missing_a_field_is_named_in_the_error(sim, mls_source):
    serve_broken_record(sim.simulators["mls"], 7, ts_time=None)

    run = run_fetch(mls_source)

    assert run.status == IngestRun.Status.FAILED
    assert "record 7 (id " in run.error and "missing field 'ts_time'" in run.error


def test_a_record_with_a_bad_date_is_named_in_the_error(sim, mls_source):
    serve_broken_record(sim.simulators["mls"], 0, ts_date="2026-02-31")

    run = run_fetch(mls_source)

    assert "record 0 (id " in run.error and "'ts_date' '2026-02-31' is not a date (yyyy-mm-dd)" in run.error


def test_it_logs_in_again_when_the_token_expires(sim, mls_source):
    simulator = sim.simulators["mls"]
    sim.faults.add("401", RECORDS, after=1, times=1)  # the token "expires" after the first page

    run = run_fetch(mls_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert simulator.logins == 2


def test_a_second_401_after_logging_in_again_is_a_clear_credentials_error(sim, mls_source):
    sim.faults.add("401", RECORDS, times=-1)

    run = run_fetch(mls_source)

    assert run.status == IngestRun.Status.FAILED
    assert "MLS refused a freshly issued token (HTTP 401)" in run.error


def test_wrong_credentials_are_a_clear_error_without_the_password(sim, caplog):
    source = source_save(
        kind="mls", name="wrong", base_url=sim.url("mls"), username="demo", password="s3cret-wrong",
        params={"macaddresses": MAC_A},
    )  # fmt: skip

    with caplog.at_level(logging.DEBUG):
        run = run_fetch(source)

    assert run.status == IngestRun.Status.FAILED
    assert run.error == "MLS login refused for user 'demo' (HTTP 401): check the username and password"
    assert "s3cret-wrong" not in caplog.text


def test_a_rejected_token_is_a_clear_error_and_never_shown(sim, caplog):
    source = source_save(
        kind="mls", name="tok", base_url=sim.url("mls"), token="tok-abcdef-123456", params={"macaddresses": MAC_A}
    )

    with caplog.at_level(logging.DEBUG):
        run = run_fetch(source)

    assert run.status == IngestRun.Status.FAILED
    assert "MLS refused the token (HTTP 401)" in run.error
    assert "tok-abcdef-123456" not in run.error + caplog.text


def test_a_supplied_token_is_used_without_logging_in(sim):
    simulator = sim.simulators["mls"]
    simulator.options["static_tokens"] = ["tok-good"]
    source = source_save(
        kind="mls", name="tok", base_url=sim.url("mls"), token="tok-good", params={"macaddresses": MAC_A}
    )

    run = run_fetch(source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert simulator.logins == 0


def test_an_unreachable_server_is_a_clear_error(db):
    source = source_save(
        kind="mls", name="gone", base_url="http://127.0.0.1:9", token="tok-unused", params={"macaddresses": MAC_A}
    )

    run = run_fetch(source)

    assert run.status == IngestRun.Status.FAILED
    assert "could not connect" in run.error


def test_two_fetches_of_one_source_never_overlap(mls_source):
    from django.utils import timezone

    type(mls_source).objects.filter(pk=mls_source.pk).update(locked_at=timezone.now())

    run = run_fetch(mls_source)

    assert run.status == IngestRun.Status.SKIPPED
    assert "another fetch of this source has been running since" in run.error
    assert not MlsRecord.objects.exists()


def test_a_lock_left_by_a_dead_worker_expires(mls_source, settings):
    from datetime import timedelta

    from django.utils import timezone

    long_ago = timezone.now() - timedelta(seconds=settings.FETCH_HEARTBEAT_TIMEOUT + 1)
    type(mls_source).objects.filter(pk=mls_source.pk).update(locked_at=long_ago, heartbeat_at=long_ago)

    run = run_fetch(mls_source)

    assert run.status == IngestRun.Status.SUCCEEDED
    mls_source.refresh_from_db()
    assert mls_source.locked_at is None


def test_a_session_token_echoed_by_the_server_is_redacted_everywhere(sim, mls_source, caplog):
    from ingest.simulators.server import error

    simulator = sim.simulators["mls"]
    simulator.records = lambda request: error(400, f"rejected {request.headers['authorization']}")

    with caplog.at_level(logging.DEBUG):
        run = run_fetch(mls_source)

    (token,) = simulator.tokens
    assert run.status == IngestRun.Status.FAILED
    assert "answered HTTP 400" in run.error and "rejected Bearer ********" in run.error
    assert token not in run.error + caplog.text


def test_a_fetch_whose_lock_was_taken_over_stores_nothing_more(mls_source):
    from django.utils import timezone

    taker = timezone.now()

    def another_fetch_takes_over(page):  # as one would after hearing no heartbeat for too long
        type(mls_source).objects.filter(pk=mls_source.pk).update(locked_at=taker, heartbeat_at=taker)

    run = run_fetch(mls_source, progress=another_fetch_takes_over)

    assert run.status == IngestRun.Status.FAILED
    assert "another fetch took this source over" in run.error and "this page was not stored" in run.error
    assert MlsRecord.objects.count() == run.records_fetched == 1000  # the first page only
    mls_source.refresh_from_db()
    assert mls_source.locked_at == taker  # the lock stays the other fetch's
