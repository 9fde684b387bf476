"""Report pages answer conditional requests: a 304 only while nothing the page shows has changed."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ingest.models import Source
from ingest.services import run_fetch
from ingest.vendors.lstat.models import LstatFeature
from reports.overview.models import Entitlement

pytestmark = pytest.mark.django_db
LSTAT = reverse("reports:lstat")
HOME = reverse("reports:home")


@pytest.fixture
def fetched(sim, lstat_clock, lstat_source):
    assert run_fetch(lstat_source).status == "succeeded"
    return lstat_source


def etag_of(client, path, **query):
    """The page's ETag, once the client has the CSRF cookie that a browser gets when it logs in."""
    client.get(path, query)
    response = client.get(path, query)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    return response["ETag"]


def revisit(client, path, etag, **query):
    return client.get(path, query, HTTP_IF_NONE_MATCH=etag).status_code


def test_a_revisit_of_an_unchanged_page_is_a_304_without_reading_its_rows(viewer, fetched):
    etag = etag_of(viewer, LSTAT)

    with CaptureQueriesContext(connection) as queries:
        response = viewer.get(LSTAT, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304 and response.content == b""
    assert response["ETag"] == etag
    assert not [q for q in queries if "lstatusage" in q["sql"].lower()]
    assert revisit(viewer, LSTAT, f'"other", {etag}') == 304  # one of several, strong or weak
    assert revisit(viewer, LSTAT, etag.removeprefix("W/")) == 304


def test_a_compressed_page_has_the_same_etag(viewer, fetched):
    etag = etag_of(viewer, LSTAT)

    compressed = viewer.get(LSTAT, HTTP_ACCEPT_ENCODING="gzip")

    assert compressed["Content-Encoding"] == "gzip" and compressed["ETag"] == etag
    assert viewer.get(LSTAT, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_new_fetch_page_changes_the_etag(sim, viewer, fetched, lstat_clock):
    etag = etag_of(viewer, LSTAT)
    sim.simulators["lstat"].fixed_end += timedelta(hours=1)
    lstat_clock.shift(timedelta(hours=1))

    assert run_fetch(fetched).status == "succeeded"

    assert revisit(viewer, LSTAT, etag) == 200


def test_an_admin_rename_changes_the_etag(viewer, fetched):
    page = reverse("reports:lstat_feature", args=[LstatFeature.objects.get(fid=11).pk])
    etag = etag_of(viewer, page)
    feature = LstatFeature.objects.get(fid=11)
    feature.name = "MATLAB (engineering)"

    feature.save()

    assert revisit(viewer, page, etag) == 200


def test_a_source_rename_changes_the_etag(viewer, fetched):
    etag = etag_of(viewer, LSTAT)

    Source.objects.filter(pk=fetched.pk).update(name="licences")

    assert revisit(viewer, LSTAT, etag) == 200


def test_a_price_edit_changes_the_etag_and_so_does_clearing_it(viewer, fetched):
    etags = [etag_of(viewer, HOME)]
    price = Entitlement.objects.create(kind="lstat", key=f"{fetched.pk}:11", price_per_year=100)
    assert revisit(viewer, HOME, etags[-1]) == 200
    etags.append(etag_of(viewer, HOME))

    price.delete()

    assert revisit(viewer, HOME, etags[-1]) == 200


def test_another_role_another_user_or_another_query_changes_the_etag(viewer, fetched, client):
    etag = etag_of(viewer, LSTAT)
    assert revisit(viewer, LSTAT, etag, granularity="hour") == 200
    user = get_user_model().objects.get(username="viewer")
    user.is_staff = True
    user.save()

    assert revisit(viewer, LSTAT, etag) == 200

    other = get_user_model().objects.create_user("other", password="other-pass-123")
    client.force_login(other)
    assert revisit(client, LSTAT, etag) == 200


def test_the_display_zone_changes_the_etag(viewer, fetched, settings):
    etag = etag_of(viewer, LSTAT)

    settings.TIME_ZONE = "Asia/Kolkata" if settings.TIME_ZONE != "Asia/Kolkata" else "UTC"

    assert revisit(viewer, LSTAT, etag) == 200


def test_the_overview_changes_with_its_last_success_minutes_ago(viewer, fetched, lstat_clock):
    etag = etag_of(viewer, HOME)
    assert revisit(viewer, HOME, etag) == 304

    lstat_clock.shift(timedelta(minutes=2))  # "last success 0 minutes ago" reads "2 minutes ago"

    assert revisit(viewer, HOME, etag) == 200


def test_downloads_waiting_messages_and_visitors_never_get_a_304(viewer, fetched, client):
    etag = etag_of(viewer, LSTAT)
    download = viewer.get(LSTAT, {"format": "csv"}, HTTP_IF_NONE_MATCH=etag)
    assert download.status_code in (200, 400) and not download.has_header("ETag")
    # an admin's price edit leaves a message for the overview: it is shown, not answered with a 304
    staff = get_user_model().objects.create_user("boss", password="boss-pass-123", is_staff=True)
    client.force_login(staff)
    home = etag_of(client, HOME)
    client.post(reverse("reports:seat_price"), {"kind": "nope", "key": "x", "price": "1", "next": HOME})
    with_message = client.get(HOME, HTTP_IF_NONE_MATCH=home)
    assert with_message.status_code == 200 and "Unknown licensed thing" in with_message.content.decode()
    client.logout()
    assert client.get(LSTAT, HTTP_IF_NONE_MATCH=etag).status_code == 302
