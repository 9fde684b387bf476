"""MLS rollups always equal the minute records they summarise, however the pages fall."""

import json
from collections import defaultdict
from datetime import UTC, datetime

import pytest

from ingest.services import run_fetch, source_save
from ingest.simulators.server import Response
from ingest.vendors.mls.models import MlsRecord, MlsRollup
from tests.conftest import MAC_A, MAC_B

pytestmark = pytest.mark.django_db


def ground_truth():
    """Every hourly rollup, computed here from the stored minutes."""
    buckets = defaultdict(list)
    for r in MlsRecord.objects.select_related("supervisor"):
        hour = datetime.combine(r.ts_date, r.ts_time.replace(minute=0, second=0), tzinfo=UTC)
        buckets[(r.supervisor.macaddress, "hour", hour)].append((r.lic_used, r.lic_prepaid, r.lic_metered))
    truth = {}
    for key, values in buckets.items():
        stats = [len(values)]
        for column in zip(*values, strict=True):
            stats += [min(column), max(column), sum(column)]
        truth[key] = stats
    return truth


def stored_rollups():
    fields = ["samples"] + [f"{m}_{s}" for m in ("used", "prepaid", "metered") for s in ("min", "max", "sum")]
    return {
        (r.supervisor.macaddress, r.granularity, r.bucket): [getattr(r, f) for f in fields]
        for r in MlsRollup.objects.select_related("supervisor")
    }


def mls(sim, per_page):
    return source_save(
        kind="mls", name=f"mls-{per_page}", base_url=sim.url("mls"), username="demo", password="demo-password",
        params={"macaddresses": f"{MAC_A},{MAC_B}", "per_page": str(per_page)},
    )  # fmt: skip


@pytest.mark.parametrize("per_page", [10080, 1000, 777])
def test_rollups_equal_the_minutes_whatever_the_page_size(sim, per_page):
    # 10080: every day lies in one page; 1000 and 777: pages share days, at different places
    assert run_fetch(mls(sim, per_page)).status == "succeeded"

    assert stored_rollups() == ground_truth()
    assert len(stored_rollups()) == 2 * 48  # per supervisor: 48 hours


def test_a_late_correction_of_an_old_minute_updates_its_hour(sim):
    source = mls(sim, 10080)
    run_fetch(source)
    simulator = sim.simulators["mls"]
    original = simulator.records

    def records_with_a_late_correction(request):
        rows = json.loads(original(request).body)
        if int(request.arg("starting_id")) > 0 and request.arg("page") == "1" and request.arg("macaddress") == MAC_A:
            rows.append({"id": 10**9, "macaddress": MAC_A, "ts_date": "2026-03-03", "ts_time": "10:07:00",
                         "lic_used": 99, "lic_prepaid": 20, "lic_metered": 79})  # fmt: skip
        return Response(rows)

    simulator.records = records_with_a_late_correction
    simulator.fixed_end = simulator.fixed_end.replace(hour=13)

    assert run_fetch(source).status == "succeeded"

    assert stored_rollups() == ground_truth()
    hour = MlsRollup.objects.get(
        supervisor__macaddress=MAC_A, granularity="hour", bucket=datetime(2026, 3, 3, 10, tzinfo=UTC)
    )
    assert (hour.used_max, hour.samples) == (99, 60)
