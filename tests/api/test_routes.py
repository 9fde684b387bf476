"""Every API route, opened with a viewer's token, an admin's and none; the sample URLs cover every route."""

import pytest
from django.urls import get_resolver, resolve

from reports.api.routes import ROUTES
from tests.api.conftest import Api
from tests.walks import examples

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(walked, mls_source):
    """One URL per API route, and whether a viewer may open it (admins open every one): every report of the
    registry with an API route at its example (tests/walks.py), once per table, and the other routes."""
    return {
        "/api/v1/vendors": True,
        "/api/v1/sources": True,
        f"/api/v1/sources/{mls_source.pk}": False,
        "/api/v1/things": True,
        **{url: True for example in examples() for url in example.api_urls()},
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
