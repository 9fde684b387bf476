"""A report's API rows are its CSV download's rows: the same parameters give the same rows, cell by cell.

CSV cells are text (numbers as written, times as the download writes them, perhaps to the minute); each is
compared with the JSON value after reading both the same way, so the test holds whatever time format the
download uses.
"""

import csv
import io
from datetime import date, datetime

import pytest
import time_machine

from ingest.vendors.bigfix.models import BigfixUsage
from ingest.vendors.lstat.models import LstatFeature
from ingest.vendors.metering.models import MeteringInterval
from reports.exports import FORMULA_STARTS
from reports.overview.models import Entitlement
from tests.conftest import MAC_A, SIM_END

pytestmark = pytest.mark.django_db


def download(client, url, query):
    response = client.get(url, {**query, "format": "csv"})
    assert response.status_code == 200, url
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def same(text, value):
    """Whether a CSV cell holds the JSON value."""
    if value is None:
        return text == ""
    if isinstance(value, bool):
        return text == str(value)
    if isinstance(value, (int, float)):
        return float(text) == value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return text == "'" + value
    instant = _instant(value)
    if instant and instant.tzinfo:  # JSON instants carry their offset and seconds; the CSV may show wall minutes
        seen = _instant(text.rsplit(" ", 1)[0] if text.count(" ") > 1 else text)
        if seen is None:
            return False
        if len(text) < 19 or text[16] != ":":  # no seconds written
            instant = instant.replace(second=0, microsecond=0)
        return seen == instant if seen.tzinfo else seen == instant.replace(tzinfo=None)
    return text == str(value)


def _instant(text):
    try:
        return datetime.fromisoformat(text) if len(text) > 10 and text[4] == "-" else None
    except ValueError:
        return None


def assert_same_rows(api, viewer, api_url, page_url, query):
    with time_machine.travel(SIM_END, tick=False):  # still-active metering locations count hours up to now
        page = api.json(api_url, {**query, "limit": 1000})
        header, *cells = download(viewer, page_url, query)
    columns = page["columns"]

    assert header == [column["label"] for column in columns]
    assert page["count"] == len(page["results"]) == len(cells) > 0
    for row, line in zip(page["results"], cells, strict=True):
        for column, text in zip(columns, line, strict=True):
            assert same(text, row[column["key"]]), (column["key"], text, row[column["key"]])


def test_mls_rows_are_the_downloads(api, viewer, all_fetched):
    for granularity in ("hour", "day"):
        query = {"start": "2026-03-02", "end": "2026-03-04", "granularity": granularity}
        assert_same_rows(api, viewer, f"/api/v1/reports/mls/supervisors/{MAC_A}", f"/mls/{MAC_A}/", query)


def test_lstat_rows_are_the_downloads(api, viewer, all_fetched):
    feature = LstatFeature.objects.order_by("pk").first()

    assert_same_rows(api, viewer, f"/api/v1/reports/lstat/features/{feature.pk}", f"/lstat/features/{feature.pk}/", {})
    assert_same_rows(api, viewer, "/api/v1/reports/lstat/users", "/lstat/users/", {})


def test_metering_rows_are_the_downloads(api, viewer, all_fetched):
    interval = MeteringInterval.objects.first()
    api_url, page_url = f"/api/v1/reports/metering/tenants/{interval.tenant}", f"/metering/{interval.tenant}/"

    for table in ("series", "locations", "users"):
        assert_same_rows(api, viewer, api_url, page_url, {"table": table, "granularity": "hour"})


def test_bigfix_rows_are_the_downloads(api, viewer, all_fetched):
    usage = BigfixUsage.objects.first()

    assert_same_rows(api, viewer, "/api/v1/reports/bigfix", "/bigfix/", {"table": "systems"})
    assert_same_rows(
        api, viewer, f"/api/v1/reports/bigfix/{usage.source_id}/systems/{usage.computer_system_id}",
        f"/bigfix/{usage.source_id}/systems/{usage.computer_system_id}/", {"metric": usage.metric_name},
    )  # fmt: skip


def test_licensed_things_are_the_overviews_download(api, viewer, all_fetched):
    assert_same_rows(api, viewer, "/api/v1/things", "/", {"sort": "-peak"})
    assert_same_rows(api, viewer, "/api/v1/things", "/", {"kind": "lstat", "p": "90"})


def test_a_licensed_thing_carries_its_entitlement(api, all_fetched):
    Entitlement.objects.create(kind="mls", key=MAC_A, owned=30, price_per_year=100, renews_on=date(2026, 5, 1))

    things = {(t["kind"], t["key"]): t for t in api.json("/api/v1/things")["results"]}

    mls = things[("mls", MAC_A)]
    assert (mls["owned"], mls["owned_from"], mls["unit"], mls["renews_on"]) == (30, "entered", "seats", "2026-05-01")
    assert (mls["price_per_unit"], mls["over_deployed"], mls["stable_key"]) == (100.0, 0, f"mls:{MAC_A}")
    assert all(t["owned_from"] is None and t["over_deployed"] is None for k, t in things.items() if k[0] == "metering")


def test_each_licensed_thing_links_its_report_in_the_api(api, all_fetched):
    things = api.json("/api/v1/things")["results"]

    linked = [thing for thing in things if thing["report"]]
    assert {thing["kind"] for thing in linked} >= {"mls", "lstat"}
    for thing in linked:
        page = api.json(thing["report"])
        assert page["period"]["start"] <= page["period"]["end"], thing["report"]


def test_times_carry_the_display_zones_offset(api, all_fetched, settings):
    page = api.json(f"/api/v1/reports/mls/supervisors/{MAC_A}", {"granularity": "hour", "limit": 1})

    instant = datetime.fromisoformat(page["results"][0]["bucket"])
    assert instant.utcoffset() is not None
    assert page["time_zone"] == settings.TIME_ZONE


def test_a_snapshot_report_names_its_snapshot(api, all_fetched):
    page = api.json("/api/v1/reports/lstat/users")

    assert page["snapshot"]["id"] > 0 and datetime.fromisoformat(page["snapshot"]["taken_at"]).tzinfo
