"""Writes: save a subscription, send it now, send every subscription that is due."""

import logging
import smtplib
from datetime import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from ingest.errors import redact
from reports.limits import counters
from reports.subscriptions import schedule
from reports.subscriptions.capture import ReportError, capture
from reports.subscriptions.email import build_email, send_to_each
from reports.subscriptions.models import Subscription, SubscriptionSend
from reports.subscriptions.recipients import recipients_for

log = logging.getLogger(__name__)


def parse_at(text):
    try:
        hours, minutes = (int(part) for part in text.split(":"))
        return time(hours, minutes)
    except ValueError:
        raise ValueError(f"--at {text!r}: give a time as HH:MM, e.g. 08:00") from None


def subscription_save(*, name, report, recipients, owner=None, **fields):
    """Create or update `owner`'s subscription NAME (owner None: one without an owner, made by an admin),
    checking its recipients for that owner and that its report renders, and set its next send."""
    if not name or not name.strip():
        raise ValueError("NAME: give the subscription a name")
    addresses = recipients_for(recipients if isinstance(recipients, str) else ",".join(recipients), owner=owner)
    if "timezone" in fields:
        schedule.zone(fields["timezone"])
    if "period" in fields and fields["period"] not in Subscription.Period.values:
        raise ValueError(f"--period {fields['period']!r}: choose {', '.join(Subscription.Period.values)}")
    try:
        capture(report)
    except ReportError as exc:
        raise ValueError(f"--report {report!r}: {exc}") from None
    subscription = Subscription.objects.filter(name=name, owner=owner).first() or Subscription(name=name, owner=owner)
    subscription.report, subscription.recipients = report, ", ".join(addresses)
    for key, value in fields.items():
        setattr(subscription, key, value)
    subscription.next_send_at = subscription.next_after(timezone.now()) if subscription.enabled else None
    subscription.full_clean()
    subscription.save()
    return subscription


def subscription_named(name, *, username=None):
    """The subscription NAME of the commands: the one of user `username` ("" for the one without an owner), or
    with no username the only one so named (None if there is none); ValueError if several are."""
    named = Subscription.objects.filter(name=name).select_related("owner")
    if username is not None:
        return named.filter(**({"owner__username": username} if username else {"owner": None})).first()
    found = list(named[:10])
    if len(found) > 1:
        owners = ", ".join(repr(s.owner.username) if s.owner else "none" for s in found)
        raise ValueError(f"{len(found)} subscriptions are named {name!r} (owners: {owners}): give --owner USERNAME")
    return found[0] if found else None


def send_subscription(subscription, *, trigger="manual", now=None):
    """Render and send the subscription now; the returned log entry says how it went (never raises)."""
    now = now or timezone.now()
    start, end = schedule.period_range(subscription.period, now, subscription.timezone)
    entry = SubscriptionSend(
        subscription=subscription, sent_at=now, trigger=trigger, recipients=subscription.recipients,
        period_start=start, period_end=end,
    )  # fmt: skip
    try:
        addresses = recipients_for(subscription.recipients, owner=subscription.owner)
        message, entry.charts = build_email(
            subscription,
            capture(subscription.report, start=start, end=end, user=subscription.owner),
            start=start,
            end=end,
        )
        refused = send_to_each(message, addresses)
        entry.status = SubscriptionSend.Status.FAILED if refused else SubscriptionSend.Status.SENT
        if refused:
            others = "; the other recipients were sent it" if len(refused) < len(addresses) else ""
            entry.error = f"The mail server refused {', '.join(refused)}{others}."
    except (ReportError, ValueError) as exc:
        entry.status, entry.error = SubscriptionSend.Status.FAILED, str(exc).removeprefix("--to: ")
    except (OSError, smtplib.SMTPException) as exc:
        entry.status, entry.error = (
            SubscriptionSend.Status.FAILED,
            f"The mail server refused or could not be reached: {exc}",
        )
    except Exception as exc:  # a bug of ours: log it, and keep the failure visible on the page
        log.exception("Sending %s failed unexpectedly", subscription.name)
        entry.status, entry.error = SubscriptionSend.Status.FAILED, f"Unexpected error: {type(exc).__name__}: {exc}"
    entry.error = redact(entry.error, [settings.EMAIL_HOST_PASSWORD])
    entry.save()
    if entry.status == SubscriptionSend.Status.FAILED:
        log.warning("Subscription %s failed: %s", subscription.name, entry.error)
    return entry


class SendRefused(Exception):
    """A Send now that is not queued, why, and in how many seconds it may be asked again."""

    def __init__(self, message, retry_after):
        super().__init__(message)
        self.retry_after = retry_after


def request_send(subscription, *, user):
    """Queue a send of `subscription` to the worker (the email is rendered there, not in the request), or raise
    SendRefused: at most one in SUBSCRIPTION_SEND_NOW_INTERVAL seconds per subscription, and
    SUBSCRIPTION_SEND_NOW_PER_HOUR an hour per user. Counted in the database (reports/limits/counters.py), so every
    process shares the counts with or without REDIS_URL, and many clicks at once queue as many sends as the limits
    allow."""
    key = f"send-now:{subscription.pk}"
    sent, wait = counters.hit(key, settings.SUBSCRIPTION_SEND_NOW_INTERVAL)
    if sent > 1:
        raise SendRefused(f"{subscription.name} was sent moments ago; try again in {max(1, wait)} s.", max(1, wait))
    used, wait = counters.hit(f"send-now-user:{user.pk}", 3600, aligned=True)
    if used > settings.SUBSCRIPTION_SEND_NOW_PER_HOUR:
        counters.clear(key)  # this subscription was not sent: its own interval does not start
        limit = settings.SUBSCRIPTION_SEND_NOW_PER_HOUR
        raise SendRefused(
            f"Send now is limited to {limit} an hour for each user; try again in {max(1, wait)} s.", max(1, wait)
        )
    return async_task(
        "reports.subscriptions.tasks.send_now", subscription.pk, task_name=f"send {subscription.name}"[:100]
    )


def send_due(now=None):
    """Send every enabled subscription whose time has come, once, whatever the number of workers."""
    now = now or timezone.now()
    sent = []
    for subscription in Subscription.objects.filter(enabled=True, next_send_at__lte=now):
        following = subscription.next_after(now)
        with transaction.atomic():
            # The optimistic lock: only the worker that moves next_send_at on sends this one.
            claimed = Subscription.objects.filter(pk=subscription.pk, next_send_at=subscription.next_send_at).update(
                next_send_at=following
            )
        if claimed:
            sent.append(send_subscription(subscription, trigger="schedule", now=now))
    return sent
