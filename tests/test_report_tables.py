"""render_tables: a page of several tables, each downloadable on its own as ?table=NAME&format=csv|xlsx."""

import pytest
from django.urls import reverse

from ingest.services import run_fetch
from tests.downloads import comparable, csv_rows, xlsx_rows

pytestmark = pytest.mark.django_db

TENANT = "/metering/acme/"
RANGE = {"start": "2026-03-02", "end": "2026-03-04", "granularity": "day"}
TABLES = ["series", "locations", "users", "applications"]


def shown(table):
    """A table as the page shows it: its header, then its cells as text."""
    return [[label for _key, label in table["columns"]]] + [[str(c) for c in row] for row in table["table_rows"]]


def test_the_page_gets_every_table_with_its_own_download_links(viewer, metering_fetched):
    page = viewer.get(TENANT, RANGE)

    assert page.status_code == 200
    tables = page.context["tables"]
    assert list(tables) == TABLES
    for name, table in tables.items():
        assert table["name"] == name and table["count"] == len(table["rows"]) > 0
        assert table["csv"] == "?start=2026-03-02&end=2026-03-04&granularity=day&table=" + name + "&format=csv"
        assert table["xlsx"] == table["csv"].replace("format=csv", "format=xlsx")
    html = page.content.decode()
    for name in TABLES[1:]:  # the first is the chart's, downloaded from the period form
        assert f"table={name}&amp;format=csv" in html and f"table={name}&amp;format=xlsx" in html


def test_each_table_downloads_its_own_rows_as_csv_and_xlsx(viewer, metering_fetched):
    tables = viewer.get(TENANT, RANGE).context["tables"]

    for name in TABLES:
        as_csv = viewer.get(TENANT, {**RANGE, "table": name, "format": "csv"})
        assert as_csv["Content-Disposition"] == f'attachment; filename="metering-acme-2026-03-02-2026-03-04-{name}.csv"'
        assert comparable(csv_rows(as_csv)) == comparable(shown(tables[name])), name
        as_xlsx = xlsx_rows(viewer.get(TENANT, {**RANGE, "table": name, "format": "xlsx"}))
        assert comparable(as_xlsx) == comparable(shown(tables[name])), name


def test_the_default_download_is_the_first_table(viewer, metering_fetched):
    page = viewer.get(TENANT, RANGE)

    response = viewer.get(TENANT, {**RANGE, "format": "csv"})

    assert response["Content-Disposition"].endswith('-series.csv"')
    assert comparable(csv_rows(response)) == comparable(shown(page.context["tables"]["series"]))
    assert page.context["rows"] == page.context["tables"]["series"]["rows"]


def test_an_unknown_table_is_a_400_with_the_page_and_the_error(viewer, metering_fetched):
    for query in ({"table": "secrets"}, {"table": "secrets", "format": "csv"}, {"table": "secrets", "format": "xlsx"}):
        response = viewer.get(TENANT, {**RANGE, **query})

        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert "Unknown table &#x27;secrets&#x27;: choose one of series, locations, users, applications." in (
            response.content.decode()
        )


def test_an_unknown_format_of_a_known_table_is_a_400(viewer, metering_fetched):
    assert viewer.get(TENANT, {**RANGE, "table": "users", "format": "docx"}).status_code == 400


def test_the_bigfix_overview_downloads_its_peaks_by_default(viewer, bigfix_source):
    assert run_fetch(bigfix_source).status == "succeeded"
    url = reverse("reports:bigfix")
    query = {"start": "2026-01-01", "end": "2026-03-31"}

    default = viewer.get(url, {**query, "format": "csv"})
    peaks = viewer.get(url, {**query, "table": "peaks", "format": "csv"})

    assert default["Content-Disposition"] == 'attachment; filename="bigfix-2026-01-01-2026-03-31-peaks.csv"'
    assert csv_rows(default) == csv_rows(peaks)
    assert viewer.get(url, {**query, "table": "nope"}).status_code == 400
