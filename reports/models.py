"""The reports app's own models: emailed report subscriptions, alert rules, entitlements, API tokens,
and the rate counts and PDF slots every process shares."""

from reports.alerts.models import AlertEvent, AlertRule
from reports.api.models import ApiToken
from reports.limits.models import PdfSlot, RateCount
from reports.overview.models import Entitlement, SummaryBuild, ThingDay
from reports.subscriptions.models import Subscription, SubscriptionSend

__all__ = [
    "AlertEvent",
    "AlertRule",
    "ApiToken",
    "Entitlement",
    "PdfSlot",
    "RateCount",
    "Subscription",
    "SubscriptionSend",
    "SummaryBuild",
    "ThingDay",
]
