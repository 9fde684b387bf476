"""The demo (`make run`) shows each finding: idle features beside saturated ones, metered hours, a supervisor
growing towards its seats, and contracts (prices, renewals, a BigFix product over its entitlement)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ingest.management.commands.demo import Command
from ingest.management.commands.simulators import simulator_options
from ingest.services import run_fetch
from ingest.vendors.lstat.simulator import DEMO_FEATURES, LstatSimulator, sample
from ingest.vendors.mls.simulator import DEMO_SUPERVISORS, MlsSimulator
from reports.overview.models import Entitlement
from tests.conftest import SIM_END


def test_the_demos_features_idle_beside_saturated_ones_with_denials():
    sim = LstatSimulator(**{**simulator_options(14)["lstat"], "end": SIM_END})
    figures = {}
    for f in sim.features:
        samples = [sample(f["fid"], f["peak"], f["total"], f["borrow"], sim.start + timedelta(minutes=15 * i)) for i in range(14 * 96)]  # fmt: skip
        figures[f["fns"]] = (max(s[0] for s in samples) / f["total"], sum(s[2] for s in samples))
    assert sim.features == DEMO_FEATURES
    idle = [name for name, (share, denials) in figures.items() if share <= 0.75 and not denials]
    saturated = [name for name, (share, denials) in figures.items() if share == 1 and denials]
    assert len(idle) >= 2 and len(saturated) >= 2, figures


def test_the_demos_supervisors_meter_and_one_grows_towards_its_seats():
    sim = MlsSimulator(**{**simulator_options(28)["mls"], "end": SIM_END})
    assert sim.supervisors == DEMO_SUPERVISORS
    weeks = {k: [0] * 4 for k in range(len(sim.supervisors))}
    metered = {k: 0 for k in weeks}
    for k in weeks:
        for m in range(0, sim.minutes(), 5):
            values = sim.values(k, m)
            weeks[k][m // (7 * 1440)] = max(weeks[k][m // (7 * 1440)], values[4])
            metered[k] += values[6]
    assert metered[0] > 0
    growing = next(k for k, s in enumerate(sim.supervisors) if s.get("growth"))
    assert weeks[growing][-1] > weeks[growing][0] and weeks[growing][-1] < sim.supervisors[growing]["prepaid"]


@pytest.mark.django_db
def test_the_demo_enters_its_contracts_through_the_import(sim, lstat_clock, mls_source, lstat_source, bigfix_source, metering_source):  # fmt: skip
    sources = [mls_source, bigfix_source, lstat_source, metering_source]
    for source in sources:
        assert run_fetch(source).status == "succeeded"

    Command().demo_entitlements([sim.simulators[s.kind] for s in sources], sources)

    today = timezone.localdate()
    entered = {(e.kind, e.key): e for e in Entitlement.objects.all()}
    matlab = entered[("lstat", f"{lstat_source.pk}:11")]
    assert (matlab.price_per_year, matlab.reference, matlab.renews_on) == (
        2150,
        "MW-887213",
        today + timedelta(days=45),
    )
    db2 = entered[("bigfix", f"{bigfix_source.pk}:40012:PVU_SUB_CAP")]
    sums = {}
    for row in sim.simulators["bigfix"].rows():
        if (row["software_title_id"], row["metric_name"]) == (40012, "PVU_SUB_CAP"):
            period = row["reporting_period_start_date"]
            sums[period] = sums.get(period, 0) + row["peak_value"]
    assert 0 < db2.owned < max(sums.values())  # over its entitlement
    assert entered[("mls", "00:1A:2B:3C:4D:5E")].metered_rate == Decimal("0.90")
    assert entered[("metering", f"{metering_source.pk}:acme")].owned == 5
