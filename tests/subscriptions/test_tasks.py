"""django-q2: one schedule sends due reports (and checks stale sources) every few minutes."""

import pytest
import time_machine
from django.core import mail
from django_q.models import Schedule

from reports.subscriptions.models import Subscription
from reports.subscriptions.tasks import SCHEDULE_NAME, send_due_reports
from tests.subscriptions.conftest import REPORT, SEND_AT

pytestmark = pytest.mark.django_db


def test_the_migration_creates_the_schedule_that_sends_due_reports():
    schedule = Schedule.objects.get(name=SCHEDULE_NAME)
    assert (schedule.func, schedule.schedule_type, schedule.minutes) == (
        "reports.subscriptions.tasks.send_due_reports", Schedule.MINUTES, 5,
    )  # fmt: skip


def test_the_scheduled_task_sends_what_is_due(mls_fetched, no_chromium):
    Subscription.objects.create(name="due", report=REPORT, recipients="a@example.com", next_send_at=SEND_AT)

    with time_machine.travel(SEND_AT, tick=True):
        assert send_due_reports() == "1 report(s) sent, 0 alert change(s)"
        assert send_due_reports() == "0 report(s) sent, 0 alert change(s)"
    assert len(mail.outbox) == 1
