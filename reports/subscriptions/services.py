"""Writes: save a subscription, send it now, send every subscription that is due."""

import logging
import smtplib
from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from ingest.errors import redact
from reports.subscriptions import schedule
from reports.subscriptions.capture import ReportError, capture
from reports.subscriptions.email import build_email
from reports.subscriptions.models import Subscription, SubscriptionSend

log = logging.getLogger(__name__)


def parse_recipients(text):
    """Comma-separated addresses, each valid, at least one; ValueError naming the bad one."""
    addresses = [a.strip() for a in (text or "").split(",") if a.strip()]
    if not addresses:
        raise ValueError("--to: give at least one email address")
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ValueError(f"--to: {address!r} is not a valid email address") from None
    return addresses


def parse_at(text):
    try:
        hours, minutes = (int(part) for part in text.split(":"))
        return time(hours, minutes)
    except ValueError:
        raise ValueError(f"--at {text!r}: give a time as HH:MM, e.g. 08:00") from None


def subscription_save(*, name, report, recipients, owner=None, **fields):
    """Create or update the subscription NAME, checking its report renders, and set its next send.

    With an `owner` (a viewer on the Subscribe form), NAME may only be a new name or one of theirs.
    """
    if not name or not name.strip():
        raise ValueError("NAME: give the subscription a name")
    if owner is not None and Subscription.objects.filter(name=name).exclude(owner=owner).exists():
        raise ValueError(f"NAME: a subscription named {name!r} exists already; choose another name")
    addresses = parse_recipients(recipients if isinstance(recipients, str) else ",".join(recipients))
    if "timezone" in fields:
        schedule.zone(fields["timezone"])
    if "period" in fields and fields["period"] not in Subscription.Period.values:
        raise ValueError(f"--period {fields['period']!r}: choose {', '.join(Subscription.Period.values)}")
    try:
        capture(report)
    except ReportError as exc:
        raise ValueError(f"--report {report!r}: {exc}") from None
    subscription = Subscription.objects.filter(name=name).first() or Subscription(name=name, owner=owner)
    subscription.report, subscription.recipients = report, ", ".join(addresses)
    for key, value in fields.items():
        setattr(subscription, key, value)
    subscription.next_send_at = subscription.next_after(timezone.now()) if subscription.enabled else None
    subscription.full_clean()
    subscription.save()
    return subscription


def send_subscription(subscription, *, trigger="manual", now=None):
    """Render and send the subscription now; the returned log entry says how it went (never raises)."""
    now = now or timezone.now()
    start, end = schedule.period_range(subscription.period, now, subscription.timezone)
    entry = SubscriptionSend(
        subscription=subscription, sent_at=now, trigger=trigger, recipients=subscription.recipients,
        period_start=start, period_end=end,
    )  # fmt: skip
    try:
        parse_recipients(subscription.recipients)
        message, entry.charts = build_email(
            subscription,
            capture(subscription.report, start=start, end=end, user=subscription.owner),
            start=start,
            end=end,
        )
        message.send()
        entry.status = SubscriptionSend.Status.SENT
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
