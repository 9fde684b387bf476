"""Hostile upstream values (wrong types, missing fields, numbers beyond their columns, inf and NaN, NUL
characters, 10 MB strings) fail their page naming the record and the field; nothing from that page is
stored, no cursor passes it, and the next clean run stores everything. Served by the simulators over HTTP."""

import json
import re

import pytest

from ingest.errors import PayloadError
from ingest.models import Cursor, IngestRun
from ingest.services import run_fetch
from ingest.vendors.bigfix.models import BigfixSoftwareTitle, BigfixUsage
from ingest.vendors.lstat.models import LstatSnapshot, LstatUsage
from ingest.vendors.metering.models import MeteringEvent
from ingest.vendors.mls.models import MlsRecord
from ingest.vendors.parsing import Record
from tests.conftest import MAC_A
from tests.metering.test_errors import inject, metering

pytestmark = pytest.mark.django_db

DROP = object()  # a field left out of the record
TEN_MB = "x" * 10_000_000
INF, NAN = float("inf"), float("nan")


def spoil(simulator, handler, index, **changes):
    """Make `simulator`'s `handler` answer with record `index` of its list changed (DROP removes a field).

    The list is the answer itself, or its "data" (License Statistics) or "rows" (wrapped BigFix)."""
    original = getattr(simulator, handler)

    def spoiled(request, **kwargs):
        response = original(request, **kwargs)
        body = json.loads(response.body)
        rows = body if isinstance(body, list) else body.get("data") or body.get("rows")
        if isinstance(rows, list) and len(rows) > index:
            rows[index].update(changes)
            for field in [f for f, v in changes.items() if v is DROP]:
                del rows[index][field]
        response.body = json.dumps(body).encode()  # NaN and Infinity as Python writes them, as some servers do
        return response

    setattr(simulator, handler, spoiled)
    return lambda: delattr(simulator, handler)  # the clean server again


def failed(run, *fragments):
    assert run.status == IngestRun.Status.FAILED, "the run should have failed"
    for fragment in fragments:
        assert fragment in run.error
    assert len(run.error) < 2000  # the 10 MB value is named, never copied into the error
    return True


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9999-12-31T23:00:00-05:00", "'at' '9999-12-31T23:00:00-05:00' is out of range"),
        ("0001-01-01T00:00:00+01:00", "'at' '0001-01-01T00:00:00+01:00' is out of range"),
        ("3000-01-01T00:00:00Z", "'at' is 3000-01-01, outside 1970-01-01 to 2999-12-31"),
    ],
)
def test_a_timestamp_beyond_what_any_zone_can_show_is_refused(value, message):
    with pytest.raises(PayloadError, match="^" + re.escape(f"page 1, record 0: {message}") + "$"):
        Record({"at": value}, "page 1", "record 0").instant("at")


# --- MLS: the whole first page is refused ----------------------------------------------------------
MLS_CASES = [
    ({"lic_used": 2**31}, "'lic_used' is 2147483648, outside -2,147,483,648 to 2,147,483,647"),
    ({"lic_prepaid": 1e308}, "'lic_prepaid' is a number of 309 digits, outside"),
    ({"lic_metered": NAN}, "'lic_metered' is nan, not a whole number"),
    ({"lic_used": INF}, "'lic_used' is inf, not a whole number"),
    ({"id": 2**63}, "'id' is 9223372036854775808, outside"),
    ({"lic_used": [3]}, "'lic_used' is list, not a whole number"),
    ({"ts_time": DROP}, "missing field 'ts_time'"),
    ({"ts_date": "0001-01-01"}, "'ts_date' is 0001-01-01, outside 1970-01-01 to 2999-12-31"),
    ({"ts_date": "2026-03-03\x00"}, "'ts_date' contains a NUL character"),
    ({"ts_time": TEN_MB}, "'ts_time' is 10,000,000 characters long, longer than 65,536"),
    ({"macaddress": TEN_MB}, "macaddress is 'xxxx"),
    ({"macaddress": {"mac": MAC_A}}, "'macaddress' is dict, not text"),
]


@pytest.mark.parametrize(("changes", "message"), MLS_CASES, ids=lambda v: str(v)[:30])
def test_mls_refuses_a_hostile_record_and_stores_nothing_of_its_page(sim, mls_source, changes, message):
    clean = spoil(sim.simulators["mls"], "records", 5, **changes)

    run = run_fetch(mls_source)

    assert failed(run, f"MLS page 1 for {MAC_A}, record 5", message)
    assert not MlsRecord.objects.exists()
    assert not Cursor.objects.filter(source=mls_source).exists()

    clean()
    assert run_fetch(mls_source).status == IngestRun.Status.SUCCEEDED
    assert MlsRecord.objects.count() == 2 * 2 * 24 * 60


# --- metering: the window with the hostile event is refused --------------------------------------------
METERING_CASES = [
    ({"user": TEN_MB}, "'user' is 10,000,000 characters long, longer than 200"),
    ({"user": "eve\x00"}, "'user' contains a NUL character"),
    ({"state": {"is": "created"}}, "'state' is dict, not text"),
    ({"locId": "DROP"}, "missing field 'locId'"),
    ({"date": 10**20}, "'date' 100000000000000000000 is not a time in epoch milliseconds"),
    ({"entityId": "e" * 201}, "'entityId' is 201 characters long, longer than 200"),
    ({"notes": TEN_MB}, "more than 65,536 to keep raw (its field 'notes' the largest)"),
    ({"user": "\ud800"}, "'user' contains an unpaired surrogate"),
    ({"score": NAN}, "holds NaN, Infinity or an unpaired surrogate (in its field 'score')"),
    ({"note": ["\udfff"]}, "holds NaN, Infinity or an unpaired surrogate (in its field 'note')"),
]


@pytest.mark.parametrize(("fields", "message"), METERING_CASES, ids=lambda v: str(v)[:30])
def test_metering_refuses_a_hostile_event_and_keeps_its_window(sim, fields, message):
    source = metering(sim, params={"window_hours": "6"})
    inject(sim, **fields)

    run = run_fetch(source)

    assert failed(run, "event", "(id 777)", message)
    assert not MeteringEvent.objects.filter(upstream_id="777").exists()
    cursor = Cursor.objects.filter(source=source, key="acme").first()
    assert cursor is None or cursor.value <= "2026-03-04T06:00:00Z"  # not past the bad event's window

    events = sim.simulators["metering"].events["acme"]
    events[:] = [e for e in events if e.get("id") != 777]
    inject(sim)  # the vendor fixed the event
    assert run_fetch(source).status == IngestRun.Status.SUCCEEDED
    assert MeteringEvent.objects.filter(upstream_id="777").count() == 1


def test_a_metering_summary_too_large_to_keep_is_skipped_and_said(sim):
    source = metering(sim)
    clean = spoil(sim.simulators["metering"], "hours", 0, blob=TEN_MB)

    run = run_fetch(source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert "more than 65,536 to keep raw (its field 'blob' the largest), skipped" in run.details["tenant acme not read"]
    clean()


# --- License Statistics -----------------------------------------------------------------------------
USAGE_PATH = "/api/v1/report/usage-history/license-server/1/json"
USAGE_CASES = [
    ({"lua": INF}, "'lua' is inf, not a finite number"),
    ({"hu": 1e308}, "'hu' is 1e+308, beyond ±9,007,199,254,740,992"),
    ({"ldtc": -(2**40)}, "'ldtc' is -1099511627776, outside"),
    ({"fns": "f" * 301}, "'fns' is 301 characters long, longer than 300"),
    ({"lud": TEN_MB}, "lud 'xxxxxxxx"),
    ({"ft": DROP}, "missing field 'ft'"),
    ({"lud": "1066-10-14"}, "'lud' is 1066-10-14, outside 1970-01-01"),
]


@pytest.mark.parametrize(("changes", "message"), USAGE_CASES, ids=lambda v: str(v)[:30])
def test_lstat_refuses_a_hostile_usage_row_and_stores_nothing_of_its_server(
    sim, lstat_clock, lstat_source, changes, message
):
    clean = spoil(sim.simulators["lstat"], "usage_server", 0, **changes)

    run = run_fetch(lstat_source)

    assert failed(run, f"{USAGE_PATH} (day rows), row 0", message)
    assert not LstatUsage.objects.filter(feature__server__lsid=1).exists()
    assert not Cursor.objects.filter(source=lstat_source, key="day:server:1").exists()

    clean()
    assert run_fetch(lstat_source).status == IngestRun.Status.SUCCEEDED
    assert LstatUsage.objects.filter(granularity="day").count() == 5 * 4


SESSION_CASES = [
    ({"un": TEN_MB}, "'un' is 10,000,000 characters long, longer than 300"),
    ({"hn": "ws-1\x00"}, "'hn' contains a NUL character"),
    ({"lus": 2**31}, "'lus' is 2147483648, outside"),
    ({"uid": "someone"}, "'uid' is 'someone', not a whole number"),
]


@pytest.mark.parametrize(("changes", "message"), SESSION_CASES, ids=lambda v: str(v)[:30])
def test_lstat_refuses_a_hostile_current_user_and_keeps_no_snapshot(sim, lstat_clock, lstat_source, changes, message):
    sim.simulators["lstat"].shape = "new"
    clean = spoil(sim.simulators["lstat"], "current_users", 0, **changes)

    run = run_fetch(lstat_source)

    assert failed(run, "current users, record 0", message)
    assert not LstatSnapshot.objects.filter(kind="users").exists()

    clean()
    assert run_fetch(lstat_source).status == IngestRun.Status.SUCCEEDED
    assert LstatSnapshot.objects.get(kind="users").sessions.count() > 0


def test_an_undocumented_current_usage_answer_too_large_to_keep_raw_fails_the_run(sim, lstat_clock, lstat_source):
    simulator = sim.simulators["lstat"]
    original = simulator.current_usage
    simulator.current_usage = lambda request: type(original(request))(
        {"success": True, "msg": None, "code": None, "data": {"usage": TEN_MB}}
    )

    run = run_fetch(lstat_source)

    assert failed(run, "current usage: the answer of no documented shape is 10,000,0")
    assert not LstatSnapshot.objects.filter(kind="current_usage").exists()


# --- BigFix: the page with the hostile row is refused ------------------------------------------------
BIGFIX_CASES = [
    ({"software_title_id": 2**63}, "'software_title_id' is 9223372036854775808, outside"),
    ({"computer_system_id": "cs-1"}, "'computer_system_id' is 'cs-1', not a whole number"),
    ({"peak_value": 1e308}, "'peak_value' is 1e+308, beyond"),
    ({"peak_value": NAN}, "'peak_value' is nan, not a finite number"),
    ({"metric_name": TEN_MB}, "'metric_name' is 10,000,000 characters long, longer than 50"),
    ({"metric_name": "PVU\x00"}, "'metric_name' contains a NUL character"),
    ({"software_title_dimension": {"name": "n" * 301}}, "'name' is 301 characters long, longer than 300"),
    ({"reporting_period_start_date": DROP}, "missing field 'reporting_period_start_date'"),
    ({"peak_time": "0001-01-01T00:00:00Z"}, "'peak_time' is 0001-01-01, outside"),
]


@pytest.mark.parametrize(("changes", "message"), BIGFIX_CASES, ids=lambda v: str(v)[:30])
def test_bigfix_refuses_a_hostile_row_and_stores_nothing_of_its_page(sim, bigfix_source, changes, message):
    clean = spoil(sim.simulators["bigfix"], "license_usages", 3, **changes)

    run = run_fetch(bigfix_source)

    assert failed(run, "BigFix license_usages, row 3", message)
    assert not BigfixUsage.objects.exists() and not BigfixSoftwareTitle.objects.exists()
    assert not Cursor.objects.filter(source=bigfix_source, key="last_import").exists()

    clean()
    assert run_fetch(bigfix_source).status == IngestRun.Status.SUCCEEDED
    assert BigfixUsage.objects.count() == len(sim.simulators["bigfix"].rows())
