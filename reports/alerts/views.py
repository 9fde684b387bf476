"""The Alerts page: every rule, its current state, and the history of its changes; the Alert me form."""

from django.contrib import messages
from django.shortcuts import redirect, render

from dashboard.tables import Column, Table
from ingest.models import Source
from reports.alerts.forms import alert_rule_form, initial_for, watched_of
from reports.alerts.models import AlertEvent, AlertRule
from reports.alerts.series import thing_kind_choices

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


def alert_new(request):
    """Alert me: GET ?kind=...&thing_kind=...&thing_key=... or &source=pk (as a page links it) shows the form of
    that kind; POST (to the same address) saves the rule."""
    kind = request.GET.get("kind", "")
    if kind not in AlertRule.Kind.values:
        context = {"bad_kind": kind, "sources": Source.objects.all(), "things": _things()}
        return render(request, "reports/alerts/new.html", context, status=400 if kind else 200)
    form_class = alert_rule_form(kind)
    if request.method == "POST":
        form = form_class(request.POST, owner=request.user)
        if form.is_valid():
            rule = form.save()
            messages.success(request, f"Alert rule {rule.name!r} saved; it is checked after the next fetch.")
            return redirect("reports:alerts")
        data, status = request.POST, 400
    else:
        form = form_class(initial=initial_for(kind, request.user, request.GET), owner=request.user)
        data, status = request.GET, 200
    context = {"form": form, "kind": AlertRule.Kind(kind), "thing": watched_of(kind, data), "things": _things()}
    context["needs_page"] = context["thing"] is None and kind not in (AlertRule.Kind.STALE, AlertRule.Kind.FAILING)
    return render(request, "reports/alerts/new.html", context, status=status)


def _things():
    """What denials and utilization rules can watch, in words ("MLS supervisor", ...), as the vendors declare."""
    return [thing for _, thing in thing_kind_choices()]
