"""Send now: queued to the worker (never rendered in the request), at most one per subscription in
SUBSCRIPTION_SEND_NOW_INTERVAL seconds and SUBSCRIPTION_SEND_NOW_PER_HOUR per user, else a 429 saying why."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.models import Success
from django_q.signing import SignedPackage

from reports.subscriptions.models import Subscription, SubscriptionSend

pytestmark = pytest.mark.django_db

GONE = "/mls/00:00:00:00:00:99/"  # a send of it fails at once, and is logged as any send: no data needed
NOON = datetime(2026, 3, 4, 12, 0, 30, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def mine(name="Mine"):
    owner = User.objects.get(username="viewer")
    return Subscription.objects.create(name=name, report=GONE, recipients="viewer@example.com", owner=owner)


def press(client, subscription):
    return client.post(f"/subscriptions/{subscription.pk}/send/", follow=True)


def test_send_now_is_run_by_the_worker(viewer):
    subscription = mine()

    response = press(viewer, subscription)

    assert response.redirect_chain == [(f"/subscriptions/{subscription.pk}/", 302)]
    assert "Mine is being sent to viewer@example.com" in response.content.decode()
    # (tests run django-q2 inline:) the worker ran the task and logged the send
    assert Success.objects.get().func == "reports.subscriptions.tasks.send_now"
    assert SubscriptionSend.objects.get().trigger == "manual"


def test_the_request_only_queues_the_send(viewer, monkeypatch):
    monkeypatch.setattr(Conf, "SYNC", False)  # as in production: a worker takes the task from the broker
    subscription = mine()

    assert viewer.post(f"/subscriptions/{subscription.pk}/send/").status_code == 302

    assert not SubscriptionSend.objects.exists()  # nothing rendered or sent inside the request
    broker = get_broker()
    [(task_id, package)] = broker.dequeue()
    broker.acknowledge(task_id)
    task = SignedPackage.loads(package)
    assert (task["func"], task["args"]) == ("reports.subscriptions.tasks.send_now", (subscription.pk,))


def test_a_subscription_is_sent_now_once_in_the_interval(viewer, settings, clock):
    settings.SUBSCRIPTION_SEND_NOW_INTERVAL = 60
    subscription = mine()
    press(viewer, subscription)

    clock.shift(20)
    again = press(viewer, subscription)

    assert again.status_code == 429 and again["Retry-After"] == "40"
    assert "Mine was sent moments ago; try again in 40 s." in again.content.decode()
    assert SubscriptionSend.objects.count() == 1
    clock.shift(41)
    assert press(viewer, subscription).status_code == 200 and SubscriptionSend.objects.count() == 2


def test_a_user_sends_now_at_most_so_many_times_an_hour(viewer, settings, clock):
    settings.SUBSCRIPTION_SEND_NOW_PER_HOUR = 2
    first, second, third = mine("one"), mine("two"), mine("three")
    press(viewer, first)
    press(viewer, second)

    refused = press(viewer, third)

    assert refused.status_code == 429 and refused["Retry-After"] == str(3600 - 30)
    assert "Send now is limited to 2 an hour for each user" in refused.content.decode()
    assert SubscriptionSend.objects.count() == 2
    clock.shift(3600)
    assert press(viewer, third).status_code == 200  # a new hour, and the refused one's interval never started
    assert SubscriptionSend.objects.count() == 3


def test_the_admins_send_now_keeps_to_the_same_limits(admin_client, viewer, settings):
    settings.SUBSCRIPTION_SEND_NOW_PER_HOUR = 1
    first, second = mine("One"), mine("Two")

    response = admin_client.post(
        "/admin/reports/subscription/", {"action": "send_now", "_selected_action": [first.pk, second.pk]}, follow=True
    )

    html = response.content.decode()
    assert "One: being sent to" in html and "Two: not sent: Send now is limited to 1 an hour" in html
    assert SubscriptionSend.objects.count() == 1
