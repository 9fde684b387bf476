"""What is owned: MLS prepaid under either reading of lic_prepaid, entered entitlements, and the overview's
compliance, saving and prepaid-versus-metered figures, each against figures computed here from the simulators."""

import math
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ingest.services import run_fetch, source_save
from ingest.simulators.server import SimulatorServer
from ingest.vendors.bigfix.models import BigfixUsage
from reports.overview.models import Entitlement
from tests.conftest import MAC_A, MAC_B, SIM_END

pytestmark = pytest.mark.django_db
HOME = reverse("reports:home")
CAPACITY = {MAC_A: 20, MAC_B: 8}  # the simulator's DEFAULT_SUPERVISORS
EVENING = SIM_END.replace(hour=20)  # under the in-use reading, few prepaid licenses are in use at 20:00
HISTORY_DAYS = 2


def mls_at(end, reading):
    """An MLS simulator whose history ends at `end`, writing lic_prepaid as `reading`, fetched once."""
    server = SimulatorServer(
        options={"mls": {"history_days": HISTORY_DAYS, "end": end, "prepaid_reading": reading}}, kinds=["mls"]
    ).start()
    try:
        simulator = server.simulators["mls"]
        source = source_save(**simulator.test_source(server.url("mls")))
        assert run_fetch(source).status == "succeeded"
    finally:
        server.stop()
    return simulator


def minutes_of(simulator, mac):
    """(UTC moment, used, prepaid, metered) of every minute the simulator served for `mac`."""
    k = [s["macaddress"] for s in simulator.supervisors].index(mac)
    out = []
    for m in range(simulator.minutes()):
        _id, _mac, ts_date, ts_time, used, prepaid, metered = simulator.values(k, m)
        out.append((datetime.fromisoformat(f"{ts_date}T{ts_time}").replace(tzinfo=UTC), used, prepaid, metered))
    return out


def query_for(end):
    """A period holding the whole history, ending on the display zone's date of `end`."""
    last = timezone.localtime(end).date()
    return {"start": last - timedelta(days=HISTORY_DAYS + 1), "end": last}


def rows_by_key(response):
    assert response.status_code == 200, response.content.decode()[:1000]
    return {(r.thing.kind, r.thing.key): r for r in response.context["rows"]}


@pytest.mark.parametrize("end", [SIM_END, EVENING], ids=["noon", "evening"])
@pytest.mark.parametrize("reading", ["capacity", "in_use"])
def test_mls_owned_is_the_prepaid_capacity_at_any_time_of_day_under_either_reading(viewer, reading, end):
    simulator = mls_at(end, reading)

    rows = rows_by_key(viewer.get(HOME, query_for(end)))

    for mac in (MAC_A, MAC_B):
        minutes = minutes_of(simulator, mac)
        expected = max(p for _m, _u, p, _x in minutes)  # the whole history is within 30 days of its end
        peak = max(u for _m, u, _p, _x in minutes)
        row = rows[("mls", mac)]
        assert (row.thing.owned, row.thing.owned_from) == (expected, "vendor")
        assert row.utilization == round(100 * peak / expected, 1)
    # A's use runs into metered licenses, so the highest prepaid count is its capacity under both readings
    assert rows[("mls", MAC_A)].thing.owned == CAPACITY[MAC_A]
    if reading == "in_use" and end == EVENING:  # the last hour alone would have said far fewer
        last_hour = [p for m, _u, p, _x in minutes_of(simulator, MAC_A) if m >= end - timedelta(hours=1)]
        assert max(last_hour) < CAPACITY[MAC_A] / 2


def test_an_entered_quantity_overrides_the_vendors_and_says_so(viewer):
    simulator = mls_at(SIM_END, "in_use")
    Entitlement.objects.create(kind="mls", key=MAC_B, owned=Decimal("12.50"), unit="licenses")
    peak = max(u for _m, u, _p, _x in minutes_of(simulator, MAC_B))

    response = viewer.get(HOME, query_for(SIM_END))
    row = rows_by_key(response)[("mls", MAC_B)]

    assert (row.thing.owned, row.thing.owned_from, row.thing.unit) == (12.5, "entered", "licenses")
    assert row.utilization == round(100 * peak / 12.5, 1)
    assert rows_by_key(response)[("mls", MAC_A)].thing.owned_from == "vendor"
    assert "Edit entitlement" not in response.content.decode()  # a viewer sees no edit controls


def test_saving_and_break_even_follow_the_hours_and_the_prices(admin_client):
    simulator = mls_at(SIM_END, "capacity")
    query = query_for(SIM_END)
    days = (query["end"] - query["start"]).days + 1
    price, rate = Decimal("1200"), Decimal("2.5")
    Entitlement.objects.create(kind="mls", key=MAC_A, price_per_year=price, metered_rate=rate)
    hourly = defaultdict(list)
    for moment, used, _prepaid, metered in minutes_of(simulator, MAC_A):
        hourly[moment.replace(minute=0)].append((used, metered))
    peaks = sorted(max(u for u, _x in minutes) for minutes in hourly.values())
    needed = peaks[math.ceil(0.99 * len(peaks)) - 1]
    metered_minutes = sum(x for minutes in hourly.values() for _u, x in minutes)
    best_n, best_saving = 0, Decimal(0)
    for n in range(1, 30):
        absorbed = sum(min(sum(x for _u, x in minutes), n * len(minutes)) for minutes in hourly.values())
        saving = rate * absorbed / 60 - price * n * days / 365
        if saving > best_saving:
            best_n, best_saving = n, saving

    response = admin_client.get(HOME, query)
    row = rows_by_key(response)[("mls", MAC_A)]

    assert row.needed == needed and row.thing.owned == CAPACITY[MAC_A]
    assert row.saving == max(0, CAPACITY[MAC_A] - needed) * price
    assert row.break_even.metered_hours == round(metered_minutes / 60, 2) > 0
    assert row.break_even.metered_cost == (Decimal(str(round(metered_minutes / 60, 2))) * rate).quantize(
        Decimal("0.01")
    )
    assert (row.break_even.seats, row.break_even.saving) == (best_n, best_saving.quantize(Decimal("0.01")))
    assert "Edit entitlement" in response.content.decode()


def test_a_bigfix_product_over_its_entitlement_is_over_deployed_first_with_its_true_up_cost(
    admin_client, bigfix_fetched
):
    usage = BigfixUsage.objects.order_by("pk").first()
    key = f"{usage.source_id}:{usage.software_title_id}:{usage.metric_name}"
    sums = defaultdict(float)
    for row in BigfixUsage.objects.filter(software_title_id=usage.software_title_id, metric_name=usage.metric_name):
        sums[row.reporting_period_start_date] += row.peak_value
    peak = max(sums.values())
    owned = math.floor(peak) - 10
    Entitlement.objects.create(kind="bigfix", key=key, owned=owned, price_per_year=Decimal("40"))
    first, last = min(sums), max(sums)

    response = admin_client.get(HOME, {"start": first, "end": last})
    rows = rows_by_key(response)
    row = rows[("bigfix", key)]

    over = round(peak - owned, 2)
    assert (row.thing.unit, row.over_deployed) == (usage.metric_name.split("_")[0], over)
    assert row.true_up_cost == (Decimal(str(over)) * 40).quantize(Decimal("0.01"))
    assert response.context["callouts"]["over_deployed"][0] is row
    assert all(r.over_deployed is None for k, r in rows.items() if k != ("bigfix", key))  # nothing owned known
    page = response.content.decode()
    assert page.index("Over-deployed</h2>") < page.index("Denied licenses</h2>")
