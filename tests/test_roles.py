"""Viewers read reports, downloads and subscriptions; admins also run sources, alerts, prices and the admin site.

Every URL pattern declares its role (dashboard/roles.py); these tests open one URL of each pattern as an
anonymous visitor, a viewer and an admin: every report of the registry at its example (tests/walks.py), with its
downloads, and the other pages.
"""

from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.urls import URLResolver, get_resolver, path, resolve
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.module_loading import import_string

from dashboard import roles
from dashboard.roles import ADMIN, API, PUBLIC, VIEWER, undeclared
from ingest.services import run_fetch
from ingest.vendors import VENDORS
from reports.subscriptions.models import Subscription
from reports.subscriptions.services import subscription_save
from reports.urls import SHARED_REPORTS
from reports.views.home import home
from tests.conftest import MAC_A
from tests.walks import examples

pytestmark = pytest.mark.django_db


def test_every_url_of_the_project_declares_a_role():
    assert undeclared(get_resolver()) == []


def test_the_walk_finds_a_url_without_a_role():
    inner = URLResolver(RoutePattern("reports/"), [roles.viewer(path("a/", home)), path("b/", home)])

    assert undeclared(URLResolver(RegexPattern(r"^/"), [inner, path("c/", home)])) == ["reports/b/", "c/"]


def test_the_admin_site_is_for_admins_only():
    assert resolve("/admin/").func.role == ADMIN
    assert resolve("/admin/ingest/source/").func.role == ADMIN


@pytest.fixture
def urls(walked, mls_source):
    """One URL per URL pattern outside the admin site (and one admin page), with the role it needs: every report
    of the registry at its example, with its downloads (tests/walks.py), and the other pages."""
    subscribed = next(e for e in examples() if e.report.subscribable and e.report not in SHARED_REPORTS)
    subscription = subscription_save(name="weekly", report=subscribed.url, recipients="a@example.com")
    first = VENDORS[0]
    return {
        **plain_pages(),  # a new vendor's pages without parameters are sampled with no edit here
        **{url: VIEWER for example in examples() for url in example.page_urls()},
        "/subscriptions/": VIEWER,
        "/account/tokens/": VIEWER,
        f"/subscriptions/new/?{urlencode({'report': subscribed.url})}": VIEWER,
        f"/subscriptions/{subscription.pk}/": VIEWER,
        "/sources/": VIEWER,
        f"/sources/{mls_source.pk}/": ADMIN,
        "/alerts/": ADMIN,
        f"/alerts/new/?kind=failing&source={mls_source.pk}": ADMIN,
        "/audit/": ADMIN,
        f"/entitlements/{first.kind}/{min(import_string(first.licensed_keys)())}/": ADMIN,
        "/admin/": ADMIN,
        "/admin/ingest/source/": ADMIN,
        f"/admin/ingest/source/{mls_source.pk}/change/": ADMIN,
    }


POSTS = {  # URLs that only answer POST: what each role gets
    "/seat-price/": ADMIN,
    "/entitlements/import/": ADMIN,
    "/sources/{source}/fetch/": ADMIN,
    "/subscriptions/{subscription}/send/": VIEWER,
    "/account/tokens/{token}/revoke/": VIEWER,
}


def plain_pages():
    """{URL: role} of every page without parameters outside the admin site and the API."""
    posts = {url.lstrip("/") for url in POSTS}
    return {
        f"/{route}": role
        for route, role in patterns(get_resolver())
        if role in (VIEWER, ADMIN)
        and not route.startswith(("admin/", "api/"))
        and route not in posts
        and not any(c in route for c in "<^$()[\\")
    }


def test_the_sample_urls_cover_every_url_pattern_outside_the_admin_site(urls):
    covered = {
        resolve(url.split("?")[0]).route
        for url in [
            *urls,
            "/seat-price/",
            "/entitlements/import/",
            "/sources/1/fetch/",
            "/subscriptions/1/send/",
            "/account/tokens/1/revoke/",
        ]
    }
    # The API's URLs open with a token, not a session: tests/api/test_routes.py opens each of them.
    routes = {
        route
        for route, role in patterns(get_resolver())
        if not route.startswith("admin/") and role not in (PUBLIC, API)
    }

    assert routes <= covered


def patterns(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from patterns(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.role


def test_an_anonymous_visitor_is_sent_to_the_login_page_everywhere(client, urls):
    for url in [*urls, *(u.format(source=1, subscription=1, token=1) for u in POSTS)]:
        response = client.get(url)

        assert response.status_code == 302, url
        assert response.url.startswith(("/login/?next=", "/admin/login/?next=")), url  # the latter redirects on


def test_a_viewer_reads_reports_and_downloads_but_no_admin_page(viewer, urls):
    Subscription.objects.update(owner=User.objects.get(username="viewer"))  # a viewer opens their own

    for url, role in urls.items():
        response = viewer.get(url)

        assert response.status_code == (200 if role == VIEWER else 403), url


def test_an_admin_opens_every_page(admin_client, urls):
    for url in urls:
        assert admin_client.get(url).status_code == 200, url


def test_a_viewer_may_not_fetch_now_nor_set_prices(viewer, mls_source):
    assert viewer.post(f"/sources/{mls_source.pk}/fetch/").status_code == 403
    assert viewer.post("/seat-price/", {"kind": "mls", "key": MAC_A, "price": "10"}).status_code == 403


def test_a_viewer_sees_freshness_but_no_source_details(viewer, sim, mls_source):
    sim.faults.add("500", "/mls/", times=-1)
    run_fetch(mls_source)

    html = viewer.get("/sources/").content.decode()

    assert "test-mls" in html and "never" in html
    assert mls_source.base_url not in html and "HTTP 500" not in html
    assert f"/sources/{mls_source.pk}/" not in html and "Fetch now" not in html


def test_an_admin_sees_the_source_details(admin_client, sim, mls_source):
    sim.faults.add("500", "/mls/", times=-1)
    run_fetch(mls_source)

    html = admin_client.get("/sources/").content.decode()

    assert f"/sources/{mls_source.pk}/" in html and "Fetch now" in html and "HTTP 500" in html
    assert mls_source.base_url in admin_client.get(f"/sources/{mls_source.pk}/").content.decode()
