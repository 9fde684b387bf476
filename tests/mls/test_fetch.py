"""The MLS connector against the MLS simulator over real HTTP."""

import pytest

from ingest.models import Cursor, IngestRun
from ingest.services import run_fetch
from ingest.vendors.mls.models import MlsRecord, MlsRollup
from tests.conftest import MAC_A, MAC_B

pytestmark = pytest.mark.django_db

MINUTES = 2 * 24 * 60  # the simulator's two days of history, per supervisor


def test_it_pages_until_the_empty_page_and_stores_every_record(mls_source):
    run = run_fetch(mls_source)

    assert run.status == IngestRun.Status.SUCCEEDED, run.error
    assert run.records_fetched == 2 * MINUTES
    assert run.records_created == 2 * MINUTES
    assert MlsRecord.objects.filter(supervisor__macaddress=MAC_A).count() == MINUTES
    assert MlsRecord.objects.filter(supervisor__macaddress=MAC_B).count() == MINUTES


def test_each_supervisor_resumes_from_its_last_id_plus_one(mls_source):
    run_fetch(mls_source)

    last_a = MlsRecord.objects.filter(supervisor__macaddress=MAC_A).order_by("-record_id").first().record_id
    assert Cursor.objects.get(source=mls_source, key=MAC_A).value == str(last_a + 1)
    run = IngestRun.objects.get()
    assert run.cursor_before == {}
    assert run.cursor_after[MAC_A] == str(last_a + 1)


def test_a_rerun_with_nothing_new_adds_nothing(mls_source):
    run_fetch(mls_source)
    again = run_fetch(mls_source)

    assert again.status == IngestRun.Status.SUCCEEDED
    assert (again.records_fetched, again.records_created) == (0, 0)
    assert MlsRecord.objects.count() == 2 * MINUTES


def test_new_minutes_are_fetched_incrementally(sim, mls_source):
    simulator = sim.simulators["mls"]
    simulator.fixed_end = simulator.fixed_end.replace(hour=13)  # an hour passes
    run_fetch(mls_source)
    first_count = MlsRecord.objects.count()
    simulator.fixed_end = simulator.fixed_end.replace(hour=14)

    run = run_fetch(mls_source)

    assert run.records_created == 2 * 60
    assert MlsRecord.objects.count() == first_count + 2 * 60


def test_rollups_hold_min_avg_max_of_each_hour(mls_source):
    run_fetch(mls_source)

    rollup = MlsRollup.objects.filter(supervisor__macaddress=MAC_A, granularity="hour").order_by("bucket")[10]
    minutes = MlsRecord.objects.filter(
        supervisor=rollup.supervisor, ts_date=rollup.bucket.date(), ts_time__hour=rollup.bucket.hour
    )
    used = [m.lic_used for m in minutes]
    assert rollup.samples == len(used) == 60
    assert (rollup.used_min, rollup.used_max, rollup.used_sum) == (min(used), max(used), sum(used))
    assert not MlsRollup.objects.exclude(granularity="hour").exists()  # days are built in the display zone
