"""Every API route, opened with a viewer's token, an admin's and none; the sample URLs cover every route."""

import pytest
from django.urls import get_resolver, resolve

from ingest.vendors.bigfix.models import BigfixUsage
from ingest.vendors.lstat.models import LstatFeature, LstatServer
from ingest.vendors.metering.models import MeteringInterval
from reports.api.routes import ROUTES
from tests.api.conftest import Api
from tests.conftest import MAC_A

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(all_fetched, mls_source, bigfix_source):
    """One URL per API route, and whether a viewer may open it (admins open every one)."""
    usage = BigfixUsage.objects.first()
    interval = MeteringInterval.objects.first()
    features = LstatFeature.objects.all()[:2]
    bigfix = f"/api/v1/reports/bigfix/{bigfix_source.pk}"
    return {
        "/api/v1/vendors": True,
        "/api/v1/sources": True,
        f"/api/v1/sources/{mls_source.pk}": False,
        "/api/v1/things": True,
        f"/api/v1/reports/mls/supervisors/{MAC_A}": True,
        f"/api/v1/reports/lstat/features/{features[0].pk}": True,
        f"/api/v1/reports/lstat/servers/{LstatServer.objects.first().pk}?table=usage": True,
        f"/api/v1/reports/lstat/compare?features={features[0].pk}&features={features[1].pk}": True,
        "/api/v1/reports/lstat/users": True,
        "/api/v1/reports/lstat/highest": True,
        "/api/v1/reports/metering?table=tenants": True,
        f"/api/v1/reports/metering/tenants/{interval.tenant}": True,
        f"/api/v1/reports/metering/tenants/{interval.tenant}/locations/{interval.loc_id}?table=intervals": True,
        "/api/v1/reports/bigfix?table=systems": True,
        f"{bigfix}/products/{usage.software_title_id}?metric={usage.metric_name}": True,
        f"{bigfix}/systems/{usage.computer_system_id}?metric={usage.metric_name}": True,
    }


def test_the_sample_urls_cover_every_api_route(urls):
    api_routes = {
        str(pattern.pattern)
        for resolver in get_resolver().url_patterns
        if str(resolver.pattern) == "api/v1/"
        for pattern in resolver.url_patterns
        if pattern.role == "api"
    }

    assert api_routes == {route.route for route in ROUTES}
    assert {resolve(url.split("?")[0]).route.removeprefix("api/v1/") for url in urls} == api_routes


def test_no_token_opens_no_api_url(urls):
    for url in urls:
        assert Api(None).get(url).status_code == 401, url


def test_a_viewer_token_opens_every_viewer_url_and_no_admin_one(api, urls):
    for url, for_viewers in urls.items():
        response = api.get(url)

        assert response.status_code == (200 if for_viewers else 403), (url, response.content[:300])
        assert response["Content-Type"] == "application/json"


def test_an_admin_token_opens_every_url(admin_api, urls):
    for url in urls:
        response = admin_api.get(url)
        assert response.status_code == 200, (url, response.content[:300])


def test_every_report_has_rows(api, urls):
    for url in urls:
        if "/reports/" in url:
            page = api.json(url)
            assert page["count"] > 0 and page["results"], url
            assert set(page["results"][0]) == {column["key"] for column in page["columns"]}, url
