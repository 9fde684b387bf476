"""The metering pages and their downloads, over data fetched from the simulator."""

import csv
import io
from collections import defaultdict
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from ingest.services import run_fetch, source_save
from ingest.vendors.metering.simulator import DEFAULT_TENANTS
from tests.conftest import SIM_END

pytestmark = pytest.mark.django_db

RANGE = "start=2026-03-02&end=2026-03-04"
LOW = datetime(2026, 3, 2)
HIGH = datetime(2026, 3, 5)  # the midnight after the last day
PAGES = {
    "/metering/": ["series", "tenants"],
    "/metering/acme/": ["series", "locations", "users", "applications"],
    "/metering/acme/acme-vm-db/": ["series", "intervals", "metadata", "events", "summaries"],
}


@pytest.fixture
def fetched(sim, metering_source):
    run = run_fetch(metering_source)
    assert run.status == "succeeded", run.error
    return sim.simulators["metering"]


def expected_hours(simulator, tenant, group=lambda loc: None):
    """Active hours of the simulator's own periods inside the report range (open ones to its end: now is later)."""
    low, high = timezone.make_aware(LOW), timezone.make_aware(HIGH)
    locations = {loc["locId"]: loc for loc in DEFAULT_TENANTS[tenant]["locations"]}
    totals = defaultdict(float)
    for p in simulator.periods(tenant):
        start, end = max(p["start"], low), min(p["end"] or high, high)
        if end > start:
            totals[group(locations[p["locId"]])] += (end - start).total_seconds() / 3600
    return dict(totals)


def download(client, url, table, fmt="csv"):
    response = client.get(f"{url}?{RANGE}&granularity=day&format={fmt}&table={table}")
    assert response.status_code == 200, response.content[:300]
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_overview_charts_active_hours_per_tenant(viewer, fetched):
    response = viewer.get(f"/metering/?{RANGE}")

    assert response.status_code == 200
    assert b'data-figure="chart-data"' in response.content and b"/metering/globex/" in response.content
    tenants = {row["Tenant"]: float(row["Active hours"]) for row in download(viewer, "/metering/", "tenants")}
    for tenant in ("acme", "globex"):
        assert tenants[tenant] == pytest.approx(expected_hours(fetched, tenant)[None], abs=0.02)


def test_the_series_per_period_adds_up_to_the_tenant_totals(viewer, fetched):
    series = download(viewer, "/metering/", "series")

    per_tenant = defaultdict(float)
    for row in series:
        per_tenant[row["Group"]] += float(row["Active hours"])
    assert {row["Period start"] for row in series} == {
        timezone.make_aware(datetime(2026, 3, day)).isoformat() for day in (2, 3, 4)
    }
    assert per_tenant["acme"] == pytest.approx(expected_hours(fetched, "acme")[None], abs=0.05)


def test_the_tenant_page_splits_hours_by_user_and_by_application(viewer, fetched):
    response = viewer.get(f"/metering/acme/?{RANGE}&by=user")

    assert response.status_code == 200
    assert b"Active hours by user" in response.content
    users = {row["User"]: float(row["Active hours"]) for row in download(viewer, "/metering/acme/", "users")}
    assert users == pytest.approx(expected_hours(fetched, "acme", lambda loc: loc["user"] or "(none)"), abs=0.02)
    apps = {r["Application"]: float(r["Active hours"]) for r in download(viewer, "/metering/acme/", "applications")}
    assert apps == pytest.approx(expected_hours(fetched, "acme", lambda loc: loc["app"] or "(none)"), abs=0.02)


def test_the_tenant_page_lists_its_locations_with_links(viewer, fetched):
    response = viewer.get(f"/metering/acme/?{RANGE}")

    assert b'href="/metering/acme/acme-vm-db/"' in response.content
    rows = {row["Location"]: row for row in download(viewer, "/metering/acme/", "locations")}
    assert set(rows) == {"acme-vm-dev1", "acme-vm-dev2", "acme-vm-etl", "acme-vm-db"}
    assert rows["acme-vm-db"]["Still active"] == "yes" and rows["acme-vm-etl"]["Still active"] == "no"
    by_location = expected_hours(fetched, "acme", lambda loc: loc["locId"])
    assert float(rows["acme-vm-etl"]["Active hours"]) == pytest.approx(by_location["acme-vm-etl"], abs=0.01)


def test_the_location_page_shows_its_metadata_and_its_open_period(viewer, fetched):
    response = viewer.get(f"/metering/acme/acme-vm-db/?{RANGE}")

    assert response.status_code == 200
    assert b"instanceType" in response.content and b"r5.2xlarge" in response.content
    metadata = {row["Name"]: row["Value"] for row in download(viewer, "/metering/acme/acme-vm-db/", "metadata")}
    assert metadata == {"instanceType": "r5.2xlarge", "provider": "aws-ec2", "region": "eu-west-1"}
    (interval,) = download(viewer, "/metering/acme/acme-vm-db/", "intervals")
    assert (interval["Destroyed"], interval["Still active"]) == ("", "yes")


def test_an_open_location_counts_up_to_now(viewer, sim):
    simulator = sim.simulators["metering"]
    now = timezone.now().replace(microsecond=0)
    simulator.fixed_end = now
    spec = DEFAULT_TENANTS["globex"]
    simulator.inject("globex", {"id": 5, "tenantId": "globex", "ampId": spec["amp"], "locId": "globex-vm-new",
                                "date": (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"), "state": "Created",
                                "entityId": "e", "user": "erin"})  # fmt: skip
    since = (now - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    source = source_save(kind="metering", name="now", base_url=sim.url("metering"), username="admin",
                         password="admin-password", params={"tenants": "globex", "since": since})  # fmt: skip
    assert run_fetch(source).status == "succeeded"

    today = timezone.localdate()
    response = viewer.get(f"/metering/globex/globex-vm-new/?start={today - timedelta(days=1)}&end={today}&format=csv&table=intervals")  # fmt: skip

    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert float(row["Active hours in range"]) == pytest.approx(2.0, abs=0.05)


def test_events_of_other_states_are_counted_on_the_tenant_and_location_pages(viewer, sim, metering_source):
    simulator = sim.simulators["metering"]
    for i, (loc, state) in enumerate([("acme-vm-db", "suspended"), ("acme-vm-db", "Suspended"), ("acme-vm-etl", "suspended"), ("acme-vm-db", "resumed")]):  # fmt: skip
        when = (SIM_END - timedelta(hours=10 + i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        simulator.inject("acme", {"id": 870000 + i, "tenantId": "acme", "ampId": DEFAULT_TENANTS["acme"]["amp"],
                                  "locId": loc, "state": state, "date": when})  # fmt: skip
    assert run_fetch(metering_source).status == "succeeded"

    tenant_page = viewer.get(f"/metering/acme/?{RANGE}").content.decode()
    location_page = viewer.get(f"/metering/acme/acme-vm-db/?{RANGE}").content.decode()
    outside = viewer.get("/metering/acme/?start=2026-03-01&end=2026-03-01").content.decode()

    assert "3 events with state 'suspended' not counted in active hours" in tenant_page
    assert "1 event with state 'resumed' not counted in active hours" in tenant_page
    assert "2 events with state 'suspended' not counted in active hours" in location_page
    assert "not counted in active hours" not in outside


@pytest.mark.parametrize("url", list(PAGES))
def test_every_table_downloads_as_csv_and_xlsx_with_the_same_rows(viewer, fetched, url):
    for table in PAGES[url]:
        rows = download(viewer, url, table)
        sheet = download(viewer, url, table, fmt="xlsx")
        assert rows, f"{url} {table} is empty"
        assert len(sheet) == len(rows) + 1
        assert [str(v) for v in sheet[0]] == list(rows[0])


@pytest.mark.parametrize(
    "query",
    ["start=yesterday", "start=2026-03-05&end=2026-03-01", "by=colour", "format=csv&table=nope", "format=docx"],
)
def test_a_bad_query_gets_a_400_with_the_page(viewer, fetched, query):
    response = viewer.get(f"/metering/acme/?{query}")

    assert response.status_code == 400


def test_a_bad_query_on_the_overview_shows_the_error(viewer, fetched):
    response = viewer.get("/metering/?format=xlsx&table=secrets")

    assert response.status_code == 400
    assert b"Unknown table" in response.content


def test_unknown_tenants_and_locations_are_404(viewer, fetched):
    assert viewer.get("/metering/initech/").status_code == 404
    assert viewer.get("/metering/acme/no-such-vm/").status_code == 404


def test_the_pages_need_a_login(client, fetched):
    response = client.get("/metering/acme/")

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_overview_card_links_each_tenant(viewer, fetched):
    response = viewer.get("/")

    assert b"Metering Service tenants" in response.content
    assert b'href="/metering/acme/"' in response.content


def test_the_home_page_reads_no_metering_events(viewer, fetched):
    with CaptureQueriesContext(connection) as queries:
        response = viewer.get("/", {"start": "2026-03-01", "end": "2026-03-04"})

    assert response.status_code == 200
    assert "3 locations, 1 active now" in " ".join(response.content.decode().split())  # globex's card line
    assert [q["sql"] for q in queries if "meteringevent" in q["sql"]] == []
    assert any("meteringinterval" in q["sql"] for q in queries)  # it reads the period's intervals instead
