"""An MLS server that writes ts_date/ts_time in its own zone: the `timezone` parameter stores them in UTC."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from ingest.services import run_fetch, source_save
from ingest.simulators.server import Response, SimulatorServer
from ingest.vendors.mls.connector import MlsConnector
from ingest.vendors.mls.models import MlsRecord
from tests.conftest import MAC_A

pytestmark = pytest.mark.django_db

FALL_BACK = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)  # New York repeats 01:00-02:00 on the morning of 1 November
SPRING_FORWARD = datetime(2026, 3, 9, 0, 0, tzinfo=UTC)  # and skips 02:00-03:00 on 8 March


def serve(end, zone):
    return SimulatorServer(options={"mls": {"history_days": 2, "end": end, "timezone": zone}}, kinds=["mls"]).start()


def source(server, **params):
    return source_save(
        kind="mls", name="local", base_url=server.url("mls"), username="demo", password="demo-password",
        params={"macaddresses": MAC_A, **params},
    )  # fmt: skip


def stored_minutes():
    return {
        (datetime.combine(r.ts_date, r.ts_time, tzinfo=UTC), r.record_id, r.lic_used) for r in MlsRecord.objects.all()
    }


def served_minutes(server, end):
    """The simulator's minutes at their UTC instants, beside the local times it writes."""
    simulator = server.simulators["mls"]
    return {
        (simulator.start + timedelta(minutes=m), simulator.record(0, m)["id"], simulator.record(0, m)["lic_used"])
        for m in range(simulator.minutes())
    }


@pytest.mark.parametrize("per_page", [10080, 97])  # 97: the repeated hour's two halves fall in different pages
@pytest.mark.parametrize("end", [FALL_BACK, SPRING_FORWARD])
def test_local_times_are_stored_at_their_utc_instants_across_dst_changes(db, end, per_page):
    server = serve(end, "America/New_York")
    try:
        run = run_fetch(source(server, timezone="America/New_York", per_page=str(per_page)))

        assert run.status == "succeeded", run.error
        assert stored_minutes() == served_minutes(server, end)
        assert MlsRecord.objects.count() == 2 * 1440
    finally:
        server.stop()


def test_a_second_fetch_of_the_repeated_hour_changes_nothing(db):
    server = serve(FALL_BACK, "America/New_York")
    try:
        mls = source(server, timezone="America/New_York", per_page="97")
        run_fetch(mls)
        before = stored_minutes()
        server.simulators["mls"].fixed_end += timedelta(hours=1)

        assert run_fetch(mls).status == "succeeded"

        assert stored_minutes() == served_minutes(server, FALL_BACK) and stored_minutes() > before
    finally:
        server.stop()


def test_a_local_time_that_dst_skips_fails_the_run_naming_the_zone(db):
    server = serve(SPRING_FORWARD, "America/New_York")
    simulator = server.simulators["mls"]
    original = simulator.records

    def with_a_skipped_minute(request):
        rows = json.loads(original(request).body)
        if request.arg("page") == "1":
            rows.append({"id": 10**9, "macaddress": MAC_A, "ts_date": "2026-03-08", "ts_time": "02:30:00",
                         "lic_used": 3, "lic_prepaid": 3, "lic_metered": 0})  # fmt: skip
        return Response(rows)

    simulator.records = with_a_skipped_minute
    try:
        run = run_fetch(source(server, timezone="America/New_York"))
    finally:
        server.stop()

    assert run.status == "failed"
    assert "2026-03-08 02:30:00 does not exist in America/New_York" in run.error
    assert "check the source's timezone parameter" in run.error
    assert not MlsRecord.objects.exists()


def test_kolkata_times_are_five_and_a_half_hours_ahead(db):
    server = serve(datetime(2026, 3, 4, 12, tzinfo=UTC), "Asia/Kolkata")
    try:
        assert run_fetch(source(server, timezone="Asia/Kolkata")).status == "succeeded"
        assert stored_minutes() == served_minutes(server, None)
    finally:
        server.stop()


def test_the_timezone_defaults_to_utc_and_must_be_a_known_zone():
    assert MlsConnector.clean_params({"macaddresses": MAC_A})["timezone"] == "UTC"
    with pytest.raises(ValueError, match="'Mars/Olympus' is not a known time zone"):
        MlsConnector.clean_params({"macaddresses": MAC_A, "timezone": "Mars/Olympus"})
    assert "default UTC" in MlsConnector.parameters_help()["timezone"]
