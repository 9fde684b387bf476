"""A send that fails is logged with its reason, never silent, and shows on the Subscriptions page."""

import socket

import pytest
from django.core import mail

from reports.subscriptions.models import Subscription
from reports.subscriptions.services import send_due, send_subscription
from tests.conftest import MAC_A
from tests.subscriptions.conftest import REPORT, SEND_AT

pytestmark = pytest.mark.django_db


def subscription(**fields):
    return Subscription.objects.create(
        **{"name": "Weekly MLS", "report": REPORT, "recipients": "boss@example.com", **fields}
    )


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_invalid_address_is_logged_as_failed(mls_fetched, no_chromium):
    entry = send_subscription(subscription(recipients="boss@example.com, not an address"), now=SEND_AT)

    assert entry.status == "failed"
    assert "'not an address' is not a valid email address" in entry.error
    assert mail.outbox == []


def test_an_unreachable_mail_server_is_logged_as_failed_without_its_password(mls_fetched, no_chromium, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "mailer", "smtp-secret-42"

    entry = send_subscription(subscription(), now=SEND_AT)

    assert entry.status == "failed"
    assert "could not be reached" in entry.error and "smtp-secret-42" not in entry.error


def test_a_report_whose_supervisor_is_gone_is_logged_as_failed(mls_fetched, no_chromium):
    sub = subscription()
    mls_fetched.supervisors.filter(macaddress=MAC_A).delete()

    entry = send_subscription(sub, now=SEND_AT)

    assert entry.status == "failed" and "no longer exists" in entry.error
    assert sub.last_send == entry


def test_a_report_whose_filters_no_longer_validate_is_logged_as_failed(mls_fetched, no_chromium):
    entry = send_subscription(subscription(report=f"/mls/{MAC_A}/?granularity=fortnight"), now=SEND_AT)

    assert entry.status == "failed" and "filters are invalid" in entry.error


def test_send_due_sends_each_due_subscription_once_and_moves_it_on(mls_fetched, no_chromium):
    due = subscription(next_send_at=SEND_AT)
    subscription(name="Later", next_send_at=SEND_AT.replace(hour=23))
    subscription(name="Off", enabled=False, next_send_at=SEND_AT)

    first, again = send_due(now=SEND_AT), send_due(now=SEND_AT)

    assert [entry.subscription.name for entry in first] == ["Weekly MLS"] and again == []
    due.refresh_from_db()
    assert due.next_send_at > SEND_AT
    assert len(mail.outbox) == 1
