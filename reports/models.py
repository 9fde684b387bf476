"""The reports app's own models: emailed report subscriptions, alert rules, entitlements and API tokens."""

from reports.alerts.models import AlertEvent, AlertRule
from reports.api.models import ApiToken
from reports.overview.models import Entitlement
from reports.subscriptions.models import Subscription, SubscriptionSend

__all__ = ["AlertEvent", "AlertRule", "ApiToken", "Entitlement", "Subscription", "SubscriptionSend"]
