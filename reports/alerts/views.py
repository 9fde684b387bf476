"""The Alerts page: every rule, its current state, and the history of its changes; the Alert me form."""

from django.contrib import messages
from django.shortcuts import redirect, render

from dashboard.tables import Column, Table
from ingest.models import Source
from reports.alerts.forms import WATCHED, alert_rule_form, initial_for, watched_field
from reports.alerts.models import AlertEvent, AlertRule

CELLS = "reports/cells/"


def alert_list(request):
    rules = AlertRule.objects.select_related("source", "feature", "supervisor")
    events = AlertEvent.objects.select_related("rule")[:100]
    return render(request, "reports/alerts/list.html", {"rules": rules_table(rules), "events": events_table(events)})


def rules_table(rules):
    return Table(
        [
            Column("name", "Rule", template=CELLS + "rule_name.html"),
            Column("kind", "Kind", value=lambda rule: rule.get_kind_display()),
            Column("watches", "Watches", value=lambda rule: rule.feature or rule.supervisor or rule.source),
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
    """Alert me: GET ?kind=...&feature|supervisor|source=pk (as a report page links it) shows the form of that
    kind; POST (to the same address) saves the rule."""
    kind = request.GET.get("kind", "")
    if kind not in AlertRule.Kind.values:
        context = {"kinds": AlertRule.Kind.choices, "bad_kind": kind, "sources": Source.objects.all()}
        return render(request, "reports/alerts/new.html", context, status=400 if kind else 200)
    data = request.POST if request.method == "POST" else request.GET
    watched = watched_field(kind, data)
    form_class = alert_rule_form(kind, watched)
    if request.method == "POST":
        form = form_class(request.POST, owner=request.user)
        if form.is_valid():
            rule = form.save()
            messages.success(request, f"Alert rule {rule.name!r} saved; it is checked after the next fetch.")
            return redirect("reports:alerts")
        status = 400
    else:
        key = request.GET.get(watched, "")
        thing = WATCHED[watched].objects.filter(pk=key).first() if key.isdigit() else None
        form = form_class(initial=initial_for(kind, watched, thing, request.user, request.GET), owner=request.user)
        status = 200
    context = {"form": form, "kind": AlertRule.Kind(kind), "watched": watched, "thing": _thing(form, watched)}
    return render(request, "reports/alerts/new.html", context, status=status)


def _thing(form, watched):
    """The feature, supervisor or source the form's rule watches, for its heading (None if not a valid one)."""
    key = str(form[watched].value() or "")
    return WATCHED[watched].objects.filter(pk=key).select_related().first() if key.isdigit() else None
