"""The reports app's own models: emailed report subscriptions, alert rules and seat prices."""

from reports.alerts.models import AlertEvent, AlertRule
from reports.overview.models import SeatPrice
from reports.subscriptions.models import Subscription, SubscriptionSend

__all__ = ["AlertEvent", "AlertRule", "SeatPrice", "Subscription", "SubscriptionSend"]
