"""Bad parameters answer 400 with a JSON error naming the parameter; unknown ids answer 404; never a 500."""

import pytest

from ingest.vendors.lstat.models import LstatFeature, LstatServer
from tests.conftest import MAC_A

pytestmark = pytest.mark.django_db

MLS = f"/api/v1/reports/mls/supervisors/{MAC_A}"


def assert_bad(response, parameter):
    assert response.status_code == 400, response.content
    error = response.json()
    assert error["parameter"] == parameter
    assert parameter in error["error"] or parameter == "start"


@pytest.mark.parametrize(
    "query, parameter",
    [({"granularity": "fortnight"}, "granularity"), ({"start": "2026-13-01"}, "start"), ({"end": "9999-12-31"}, "end"),
     ({"start": "2026-03-04", "end": "2026-03-01"}, "start"), ({"start": "0001-01-01"}, "start")],
)  # fmt: skip
def test_a_bad_report_parameter_is_a_400_naming_it(api, all_fetched, query, parameter):
    assert_bad(api.get(MLS, query), parameter)


def test_an_unknown_table_is_a_400_naming_it(api, all_fetched):
    response = api.get(f"/api/v1/reports/lstat/servers/{LstatServer.objects.first().pk}", {"table": "raw"})

    assert_bad(response, "table")
    assert "summary, usage" in response.json()["error"]


def test_a_report_that_needs_a_parameter_names_it(api, all_fetched):
    assert_bad(api.get("/api/v1/reports/lstat/compare"), "features")
    assert_bad(api.get("/api/v1/reports/lstat/compare", {"features": "999999"}), "features")


def test_filters_are_checked_by_the_reports_own_form(api, all_fetched):
    assert_bad(api.get("/api/v1/things", {"p": "20"}), "p")
    assert_bad(api.get("/api/v1/things", {"kind": "oracle"}), "kind")
    assert_bad(api.get("/api/v1/things", {"server": "no-such-server"}), "server")
    assert_bad(api.get("/api/v1/reports/lstat/users", {"snapshot": "999999"}), "snapshot")


@pytest.mark.parametrize(
    "url",
    ["/api/v1/reports/mls/supervisors/00:00:00:00:00:00", "/api/v1/reports/mls/supervisors/not-a-mac",
     "/api/v1/reports/lstat/features/999999", "/api/v1/reports/metering/tenants/nobody",
     "/api/v1/reports/bigfix/999/products/1", "/api/v1/nothing-here"],
)  # fmt: skip
def test_an_unknown_id_is_a_404(api, all_fetched, url):
    response = api.get(url)

    assert response.status_code == 404


def test_an_unknown_source_is_a_404_for_an_admin(admin_api, all_fetched):
    response = admin_api.get("/api/v1/sources/999999")

    assert response.status_code == 404
    assert response.json()["error"].startswith("Not found")


def test_raw_rows_are_downloads_only(api, all_fetched):
    feature = LstatFeature.objects.first()

    assert_bad(api.get(f"/api/v1/reports/lstat/features/{feature.pk}", {"table": "raw", "format": "csv"}), "table")
    assert_bad(api.get(MLS, {"table": "raw"}), "table")


def test_a_format_is_ignored_the_api_answers_json(api, all_fetched):
    assert api.json(MLS, {"format": "xlsx"}) == api.json(MLS)


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/reports/mls/", "/api/v1/sources/"])
def test_an_unknown_api_path_is_a_json_404_with_or_without_a_token(api, client, path):
    for response in (api.get(path), client.get(path), client.post(path)):
        assert response.status_code == 404 and response["Content-Type"] == "application/json", response.content
        assert path in response.json()["error"]


def test_a_write_to_the_api_is_a_json_405(api, client):
    for response in (client.post("/api/v1/schema"), client.post("/api/v1/sources"), client.delete("/api/v1/sources")):
        assert response.status_code == 405 and response.json()["error"] == "The API is read-only: use GET."
