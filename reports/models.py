"""The reports app's own models: emailed report subscriptions and alert rules."""

from reports.alerts.models import AlertEvent, AlertRule
from reports.subscriptions.models import Subscription, SubscriptionSend

__all__ = ["AlertEvent", "AlertRule", "Subscription", "SubscriptionSend"]
