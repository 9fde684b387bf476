"""Dates far outside anything measured (year 1, year 9999) are a form error naming the parameter, never a 500.

Year 1 at midnight in a zone east of UTC is a moment before datetime.min, and 9999-12-31 has no day after it:
every report bounds its dates in one place (reports.forms.date_bounds), in every display zone.
"""

import pytest
from django.urls import reverse

from ingest.vendors.lstat.models import LstatFeature
from tests.conftest import MAC_A

pytestmark = pytest.mark.django_db

EXTREMES = [
    ({"end": "9999-12-31"}, "end"),
    ({"end": "0001-01-01"}, "end"),
    ({"start": "0001-01-01"}, "start"),
    ({"start": "0001-01-01", "end": "0001-01-02"}, "start"),
    ({"start": "1969-12-31", "end": "2026-03-01"}, "start"),
]
ZONES = ["Asia/Kolkata", "UTC", "America/New_York"]


def report_urls():
    """Every page taking a period, with each of its downloads."""
    feature = reverse("reports:lstat_feature", args=[LstatFeature.objects.get(fid=11).pk])
    return [
        "/",
        "/?format=csv",
        f"/mls/{MAC_A}/",
        f"/mls/{MAC_A}/?table=raw&format=csv",
        "/metering/",
        "/metering/acme/",
        "/metering/acme/?table=users&format=xlsx",
        feature,
        f"{feature}?format=csv",
        "/bigfix/",
        "/bigfix/?format=csv",
    ]


@pytest.mark.parametrize("zone", ZONES)
def test_extreme_dates_are_a_400_naming_the_date_on_every_report(viewer, all_fetched, settings, zone):
    settings.TIME_ZONE = zone
    for url in report_urls():
        for query, name in EXTREMES:
            response = viewer.get(url, query)

            assert response.status_code == 400, (url, query, response.status_code)
            if "format=" not in url:  # a page: the form says which date is out of bounds
                assert f"{name}: choose a date from 1970-01-01" in response.content.decode(), (url, query)


def test_an_extreme_snapshot_time_is_a_400_naming_it(viewer, all_fetched, settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    for at in ["0001-01-01", "0001-01-01T00:00", "9999-12-31T23:59"]:
        response = viewer.get(reverse("reports:lstat_users"), {"at": at})

        assert response.status_code == 400, at
        assert "at: choose a date from 1970-01-01" in response.content.decode()


def test_the_bounds_themselves_are_accepted(viewer, all_fetched, settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    response = viewer.get(f"/mls/{MAC_A}/", {"start": "1970-01-01", "end": "1970-01-02"})

    assert response.status_code == 200


def test_subscribing_to_a_report_with_an_extreme_date_says_which_date(viewer, all_fetched, settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    report = f"/mls/{MAC_A}/?start=0001-01-01"
    assert viewer.get("/subscriptions/new/", {"report": report}).status_code == 200

    response = viewer.post("/subscriptions/new/", {
        "name": "Ancient", "report": report, "period": "last-month", "recipients": "me@example.com",
        "every": "daily", "weekday": "0", "day_of_month": "1", "at": "07:00", "timezone": "UTC",
    })  # fmt: skip

    assert response.status_code == 400
    assert "start: choose a date from 1970-01-01" in response.context["form"].errors["report"][0]
