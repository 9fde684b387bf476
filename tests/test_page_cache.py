"""A report page is rendered once per audience and data version: the next user reads it, as their own page."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.module_loading import import_string

from dashboard.privacy.pseudonyms import pseudonym
from ingest.services import run_fetch
from ingest.vendors import BY_KIND
from ingest.vendors.lstat.models import LstatFeature, LstatSession
from reports.overview.models import Entitlement

pytestmark = pytest.mark.django_db
USERS = reverse("reports:lstat_users")
HOME = reverse("reports:home")
LOGOUT = reverse("logout")


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 3600  # the test settings turn it off, for every other test to read pages' context


@pytest.fixture
def fetched(sim, lstat_clock, lstat_source):
    assert run_fetch(lstat_source).status == "succeeded"
    return lstat_source


def signed_in(username, *, staff=False):
    user = get_user_model().objects.create_user(username, password=f"{username}-pass-123", is_staff=staff)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def page(client, path, **query):
    response = client.get(path, query)
    assert response.status_code == 200
    return response.content.decode()


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def shown(html):
    """The page but for its CSRF token (a fresh one each time)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def queries_of(client, path):
    with CaptureQueriesContext(connection) as queries:
        page(client, path)
    return [q["sql"] for q in queries]


def test_the_next_viewer_reads_the_page_without_its_rows_and_sees_their_own_name(fetched):
    wanda, zed = signed_in("wanda"), signed_in("zed<&>")
    first = queries_of(wanda, USERS)

    kept = queries_of(zed, USERS)
    html = page(zed, USERS)

    assert [q for q in first if "lstatsession" in q.lower()]
    assert not [q for q in kept if "lstatsession" in q.lower()] and len(kept) < len(first) / 2
    assert "zed&lt;&amp;&gt;" in html and "wanda" not in html and "mb-user-" not in html
    assert (
        html.replace("zed&lt;&amp;&gt;", "wanda").split("csrfmiddlewaretoken")[0]
        == page(wanda, USERS).split("csrfmiddlewaretoken")[0]
    )


def test_each_user_gets_a_csrf_token_of_their_own_that_their_forms_accept(fetched):
    wanda, zed = signed_in("wanda"), signed_in("zed")
    page(wanda, USERS)
    token = csrf_token(page(zed, USERS))

    assert wanda.post(LOGOUT, {"csrfmiddlewaretoken": token}).status_code == 403  # Zed's token is Zed's
    assert zed.post(LOGOUT, {"csrfmiddlewaretoken": token}).status_code == 302


def test_admins_and_viewers_each_see_their_own_page_whoever_came_first(fetched):
    admin, viewer = signed_in("boss", staff=True), signed_in("viewer")
    feature = reverse("reports:lstat_feature", args=[LstatFeature.objects.order_by("pk").first().pk])

    for first in (admin, viewer):
        Entitlement.objects.all().delete()  # another settings version: a page not kept yet
        page(first, feature)
        assert ("Alert me" in page(admin, feature)) and ("Alert me" not in page(viewer, feature))
        assert ('href="/admin/"' in page(admin, HOME)) and ('href="/admin/"' not in page(viewer, HOME))
        Entitlement.objects.create(kind="lstat", key="nothing", owned=1)


@pytest.mark.parametrize("first_sees_names", [True, False])
def test_real_names_are_kept_apart_from_pseudonyms(fetched, settings, first_sees_names):
    settings.NAMES_VISIBLE_TO = "permission"
    allowed, other = signed_in("allowed"), signed_in("other")
    user = get_user_model().objects.get(username="allowed")
    user.user_permissions.add(Permission.objects.get(codename="view_personal_names"))
    name = LstatSession.objects.order_by("pk").first().user

    page(allowed if first_sees_names else other, USERS)

    assert name in page(allowed, USERS)
    shown = page(other, USERS)
    assert name not in shown and pseudonym("user", name) in shown


def test_new_rows_a_price_or_another_setting_make_a_new_page(sim, fetched, lstat_clock, settings):
    viewer = signed_in("viewer")
    before = page(viewer, HOME)
    Entitlement.objects.create(kind="lstat", key=min(import_string(BY_KIND["lstat"].licensed_keys)()), owned=987)
    assert shown(page(viewer, HOME)) != shown(before) and "987" in page(viewer, HOME)

    sessions = page(viewer, USERS)
    sim.simulators["lstat"].fixed_end += timedelta(hours=1)
    lstat_clock.shift(timedelta(hours=1))
    assert run_fetch(fetched).status == "succeeded"
    assert shown(page(viewer, USERS)) != shown(sessions)

    settings.CURRENCY = "CHF"
    assert "CHF" in page(viewer, HOME)


def test_a_page_with_a_message_waiting_is_never_kept_nor_read_from_the_cache(fetched):
    admin = Client()
    admin.force_login(get_user_model().objects.create_user("boss", password="boss-pass-123", is_staff=True))
    page(admin, HOME)
    admin.post(reverse("reports:seat_price"), {"kind": "nope", "key": "x", "price": "1", "next": HOME})

    assert "Unknown licensed thing" in page(admin, HOME)
    assert "Unknown licensed thing" not in page(admin, HOME)  # shown once, then the kept page again


def test_the_running_hour_and_the_clock_of_the_overview_make_a_new_page(fetched, lstat_clock):
    viewer = signed_in("viewer")
    assert "All 1 sources fetched on schedule" in page(viewer, HOME)

    lstat_clock.shift(timedelta(hours=2))

    assert "stale,\n        last success 2 hours ago" in page(viewer, HOME)


def test_no_page_is_kept_when_page_caching_is_off(fetched, settings):
    settings.PAGE_CACHE_SECONDS = 0
    wanda, zed = signed_in("wanda"), signed_in("zed")
    first = queries_of(wanda, USERS)

    assert len(queries_of(zed, USERS)) == len(first)
