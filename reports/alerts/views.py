"""The Alerts page: every rule, its current state, and the history of its changes."""

from django.shortcuts import render

from reports.alerts.models import AlertEvent, AlertRule


def alert_list(request):
    rules = AlertRule.objects.select_related("source", "feature", "supervisor")
    events = AlertEvent.objects.select_related("rule")[:100]
    return render(request, "reports/alerts/list.html", {"rules": rules, "events": events})
