"""django-q2 tasks: one schedule, every few minutes, sends what is due (see reports.subscriptions.services)."""

from reports.subscriptions.models import Subscription
from reports.subscriptions.services import send_due, send_subscription

SCHEDULE_NAME = "send due reports and check alerts"  # the schedule the first reports migration creates


def send_due_reports():
    from reports.alerts.services import evaluate_stale_sources

    sent = send_due()
    fired = evaluate_stale_sources()
    return f"{len(sent)} report(s) sent, {len(fired)} alert change(s)"


def send_now(subscription_id):
    """A Send now from the page or the admin (reports.subscriptions.services.request_send)."""
    subscription = Subscription.objects.filter(pk=subscription_id).select_related("owner").first()
    if subscription is None:
        return "subscription gone"
    entry = send_subscription(subscription, trigger="manual")
    return f"{subscription.name}: {entry.status} {entry.error}".strip()
