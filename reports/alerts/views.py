"""The Alerts page: every rule, its current state, and the history of its changes."""

from django.shortcuts import render

from dashboard.tables import Column, Table
from reports.alerts.models import AlertEvent, AlertRule

CELLS = "reports/cells/"


def alert_list(request):
    rules = AlertRule.objects.select_related("source")
    events = AlertEvent.objects.select_related("rule")[:100]
    return render(request, "reports/alerts/list.html", {"rules": rules_table(rules), "events": events_table(events)})


def rules_table(rules):
    return Table(
        [
            Column("name", "Rule", template=CELLS + "rule_name.html"),
            Column("kind", "Kind", value=lambda rule: rule.get_kind_display()),
            Column("watches", "Watches", value=lambda rule: rule.watches),
            Column("state", "State", template=CELLS + "rule_state.html"),
            Column("state_since", "Since", value=lambda rule: rule.state_since or "—", format="Y-m-d H:i"),
            Column("detail", "Last check", value=lambda rule: rule.detail or "not checked yet"),
            Column("recipients", "Recipients"),
        ],
        rules,
        sortable=False,
    )


def events_table(events):
    return Table(
        [
            Column("at", "Time", format="Y-m-d H:i T"),
            Column("rule.name", "Rule"),
            Column("change", "Change", template=CELLS + "event_change.html"),
            Column("message", "What"),
            Column("emailed", "Email", template=CELLS + "event_email.html"),
        ],
        events,
        sortable=False,
    )
