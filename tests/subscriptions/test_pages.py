"""The Subscriptions page, the Subscribe button on report pages, and Send now (page and admin)."""

from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.core import mail

from reports.subscriptions.models import Subscription, SubscriptionSend
from reports.subscriptions.services import subscription_save
from tests.conftest import MAC_A
from tests.subscriptions.conftest import REPORT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _example_com(settings):
    """Viewers may mail example.com (see tests/subscriptions/test_recipients.py for the rule itself)."""
    settings.SUBSCRIPTION_RECIPIENT_DOMAINS = ["example.com"]


@pytest.fixture
def staff(db, django_user_model, client):
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "boss-pass-123")
    client.force_login(user)
    return client


def subscription(**fields):
    return Subscription.objects.create(
        **{"name": "Weekly MLS", "report": REPORT, "recipients": "boss@example.com", **fields}
    )


def test_every_report_page_has_a_subscribe_button_with_what_is_on_screen(viewer, mls_fetched):
    on_screen = f"/mls/{MAC_A}/?granularity=hour&start=2026-03-03&end=2026-03-03"
    html = viewer.get(on_screen).content.decode()

    assert f'href="/subscriptions/new/?report={quote(on_screen, safe="/")}"' in html
    form = viewer.get("/subscriptions/new/", {"report": on_screen}).context["form"]
    assert form.initial["report"] == on_screen
    assert form.initial["period"] == "last-7-days"


@pytest.mark.parametrize(
    "query, period",
    [
        ("granularity=day", "last-30-days"),  # the page's default range: 30 days
        ("start=2026-02-01&end=2026-02-28", "last-month"),
        ("start=2026-02-25&end=2026-03-03", "last-7-days"),
    ],
)
def test_the_subscribe_form_picks_the_period_nearest_the_range_on_screen(viewer, mls_fetched, query, period):
    form = viewer.get("/subscriptions/new/", {"report": f"/mls/{MAC_A}/?{query}"}).context["form"]
    assert form.initial["period"] == period


def test_the_subscribe_form_saves_a_subscription(viewer, mls_fetched):
    response = viewer.post("/subscriptions/new/", {
        "name": "Mine", "report": REPORT, "period": "last-month", "recipients": "me@example.com",
        "every": "monthly", "weekday": "0", "day_of_month": "31", "at": "07:00", "timezone": "Europe/Berlin",
        "include_charts": "on", "include_summary": "on", "attach_xlsx": "on", "enabled": "on",
    })  # fmt: skip

    subscription = Subscription.objects.get(name="Mine")
    assert response.status_code == 302 and response.url == f"/subscriptions/{subscription.pk}/"
    assert subscription.next_send_at and subscription.attach_xlsx and not subscription.attach_csv


def test_the_subscribe_form_names_what_is_wrong(viewer, mls_fetched):
    response = viewer.post("/subscriptions/new/", {
        "name": "Mine", "report": "/mls/00:00:00:00:00:99/", "period": "last-month", "recipients": "me@, x",
        "every": "daily", "weekday": "0", "day_of_month": "1", "at": "07:00", "timezone": "Nowhere/Town",
    })  # fmt: skip

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"report", "recipients", "timezone"} <= set(errors)
    assert "no longer exists" in errors["report"][0]
    assert not Subscription.objects.exists()


def test_the_page_lists_next_send_and_last_status_with_its_error(viewer, mls_fetched, no_chromium):
    sub = subscription(report="/mls/00:00:00:00:00:99/")
    sub.next_send_at = sub.next_after(sub.created_at)
    sub.owner = User.objects.get(username="viewer")  # a viewer sees their own subscriptions
    sub.save()

    response = viewer.post(f"/subscriptions/{sub.pk}/send/", follow=True)

    html = response.content.decode()
    assert "failed" in html and "no longer exists" in html
    page = viewer.get("/subscriptions/").content.decode()
    assert "Weekly MLS" in page and "no longer exists" in page and f"{sub.next_send_at:%Y-%m-%d}" in page
    assert 'href="/subscriptions/"' in page  # the nav entry


def test_send_now_on_the_page_sends_it(viewer, mls_fetched, no_chromium):
    sub = subscription()
    Subscription.objects.filter(pk=sub.pk).update(owner=User.objects.get(username="viewer"))
    viewer.post(f"/subscriptions/{sub.pk}/send/")

    assert len(mail.outbox) == 1
    assert SubscriptionSend.objects.get().trigger == "manual"


def test_send_now_in_the_admin(staff, mls_fetched, no_chromium):
    sub = subscription()
    response = staff.post(
        "/admin/reports/subscription/", {"action": "send_now", "_selected_action": [sub.pk]}, follow=True
    )

    assert "Weekly MLS: being sent to boss@example.com" in response.content.decode()
    assert len(mail.outbox) == 1  # (the worker runs inline in tests)


def test_the_admin_refuses_a_report_that_does_not_exist(staff, mls_fetched):
    response = staff.post("/admin/reports/subscription/add/", {
        "name": "x", "report": "/nowhere/", "period": "last-7-days", "recipients": "a@example.com", "every": "daily",
        "weekday": "0", "day_of_month": "1", "at": "08:00", "timezone": "UTC",
    })  # fmt: skip

    assert response.status_code == 200 and "no report at /nowhere/" in response.content.decode()


def subscribe(client, name):
    return subscribe_to(client, REPORT, name)


def subscribe_to(client, report, name="Mine"):
    return client.post("/subscriptions/new/", {
        "name": name, "report": report, "period": "last-7-days", "recipients": "me@example.com",
        "every": "daily", "weekday": "0", "day_of_month": "1", "at": "07:00", "timezone": "UTC", "attach_csv": "on",
        "enabled": "on",
    })  # fmt: skip


def test_a_viewer_sees_and_sends_only_their_own_subscriptions(viewer, mls_fetched):
    subscribe(viewer, "Mine")
    other = subscription_save(name="Theirs", report=REPORT, recipients="boss@example.com")
    mine = Subscription.objects.get(name="Mine")

    html = viewer.get("/subscriptions/").content.decode()

    assert "Mine" in html and "Theirs" not in html
    assert viewer.get(f"/subscriptions/{mine.pk}/").status_code == 200
    assert viewer.get(f"/subscriptions/{other.pk}/").status_code == 404
    assert viewer.post(f"/subscriptions/{other.pk}/send/").status_code == 404


def test_a_viewer_cannot_take_over_a_subscription_by_its_name(viewer, mls_fetched):
    subscription_save(name="Theirs", report=REPORT, recipients="boss@example.com")

    response = subscribe(viewer, "Theirs")

    # Names are unique per owner: the viewer gets a "Theirs" of their own, and learns nothing of the other.
    assert response.status_code == 302
    assert Subscription.objects.get(name="Theirs", owner=None).recipients == "boss@example.com"
    assert Subscription.objects.get(name="Theirs", owner__username="viewer").recipients == "me@example.com"


def test_a_viewers_subscription_pages_do_not_link_to_the_admin_and_pick_a_zone(viewer, mls_fetched):
    subscribe(viewer, "Mine")
    mine = Subscription.objects.get(name="Mine")
    pages = ["/subscriptions/", f"/subscriptions/{mine.pk}/", f"/subscriptions/new/?report={quote(REPORT)}"]
    for url in pages:
        assert "/admin/" not in viewer.get(url).content.decode(), url
    assert f"/subscriptions/new/?edit={mine.pk}" in viewer.get(pages[1]).content.decode()
    assert viewer.get(f"/subscriptions/new/?edit={mine.pk}").context["form"].initial["name"] == "Mine"
    changed = {"name": "Renamed", "report": REPORT, "period": "last-7-days", "recipients": "me@example.com",
               "every": "weekly", "weekday": "2", "day_of_month": "1", "at": "09:00", "timezone": "Asia/Kolkata"}  # fmt: skip
    assert viewer.post(f"/subscriptions/new/?edit={mine.pk}", changed).status_code == 302
    assert Subscription.objects.values_list("name", "weekday", "timezone").get() == ("Mine", 2, "Asia/Kolkata")
    html = viewer.get(pages[2]).content.decode()
    assert '<select name="timezone"' in html and '<option value="Europe/Berlin">Europe/Berlin</option>' in html
    # The weekday and the day of the month are in the schedule, which static/css/app.css shows by its kind.
    assert 'class="schedule"' in html and "field-weekday" in html and "field-day_of_month" in html


def test_an_admin_sees_every_subscription(admin_client, viewer, mls_fetched):
    subscribe(viewer, "Mine")
    subscription_save(name="Theirs", report=REPORT, recipients="boss@example.com")

    html = admin_client.get("/subscriptions/").content.decode()

    assert "Mine" in html and "Theirs" in html


@pytest.mark.parametrize(
    ("page", "error"),
    [
        ("/account/tokens/", "not a report"),
        ("/subscriptions/", "not a report"),
        ("/subscriptions/new/?report=/subscriptions/", "not a report"),
        ("/mls/", "not a report"),
        ("/", "cannot be subscribed to"),  # the overview is a report, but not one to mail
    ],
)
def test_subscribing_to_a_page_that_is_no_report_is_a_form_error(viewer, page, error, caplog):
    assert viewer.get("/subscriptions/new/", {"report": page}).status_code == 200

    response = subscribe_to(viewer, page)

    assert response.status_code == 400
    assert error in response.context["form"].errors["report"][0]
    assert not [record for record in caplog.records if record.levelname == "ERROR"]  # no traceback logged
    assert not Subscription.objects.exists()
