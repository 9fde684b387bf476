"""Evaluate alert rules (cheaply, from rollups and run records) and email each change of state once."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ingest.errors import redact
from ingest.models import IngestRun
from reports.alerts.models import AlertEvent, AlertRule
from reports.overview.models import Entitlement
from reports.overview.things import quantity
from reports.subscriptions.email import send_to_each

log = logging.getLogger(__name__)


def check(rule, now):
    """(holds, detail): whether the rule's condition holds now, and what was found, in words."""
    return CHECKS[rule.kind](rule, now)


def _gone(rule):
    return False, f"the {rule.series.thing if rule.series else rule.thing_kind} {rule.thing_key} watched is gone"


def _denials_text(total):
    return f"{total} denial{'s' if total != 1 else ''}"


def watched_name(rule, watched):
    """What the rule watches, with its source: "MATLAB on flex-eu-01", "supervisor 00:1A:... on mls-1"."""
    return f"{watched.name} on {rule.source.name}" if watched else rule.source.name


def _denials(rule, now):
    watched = rule.watched()
    if watched is None:
        return _gone(rule)
    total = rule.series.denials(watched, now - timedelta(hours=rule.hours))
    limit = int(rule.threshold)
    holds = total > limit
    return holds, f"{watched_name(rule, watched)}: {_denials_text(total)} in the last {rule.hours} h" + (
        f" (alert at more than {limit})" if limit else ""
    )


def _owned(rule, watched, now):
    """(owned, what it is) of the rule's thing, as the overview reads it: the entered quantity, else the vendor's
    own figure where its series has one (e.g. MLS: the highest prepaid count of a window before now), else None
    (each hour's seats, e.g. License Statistics' total seats)."""
    entered = Entitlement.objects.filter(kind=rule.thing_kind, key=watched.key).exclude(owned=None)
    entered = entered.values_list("owned", flat=True)
    if entered:
        return quantity(entered[0]), "owned licenses"
    return rule.series.owned(watched, now), rule.series.seats_name


def _utilization(rule, now):
    """The figures that make it fire: "MATLAB on flex-eu-01: 20 of 20 total seats in use (100 %) for 3 h, at or
    above 90 % of total seats, 14 denials in the last 3 h" (the window's lowest hourly share, so every hour reached
    it; denials where the thing's series counts them)."""
    watched = rule.watched()
    if watched is None:
        return _gone(rule)
    owned, seats_name = _owned(rule, watched, now)
    hours = rule.series.hourly_peaks(watched, now - timedelta(hours=rule.hours + 1), rule.hours)
    figures = [
        (peak, owned or seats, 100.0 * peak / (owned or seats) if (owned or seats) else 0.0) for peak, seats in hours
    ]
    holds = len(figures) >= rule.hours and all(share >= rule.threshold for _, _, share in figures)
    alert_at = f"at or above {rule.threshold:g} % of {seats_name}"
    if not figures:
        found = f"no hourly data (alert {alert_at} for {rule.hours} h)"
    elif holds:
        peak, of, share = min(figures, key=lambda figure: figure[2])
        found = f"{peak:g} of {of:g} {seats_name} in use ({share:.0f} %) for {rule.hours} h, {alert_at}"
    else:
        peak, of, share = figures[0]
        found = f"{peak:g} of {of:g} {seats_name} in use ({share:.0f} %); alert {alert_at} for {rule.hours} h"
    if "denials" in rule.series.rules:
        denials = rule.series.denials(watched, now - timedelta(hours=rule.hours))
        found += f", {_denials_text(denials)} in the last {rule.hours} h"
    return holds, f"{watched_name(rule, watched)}: {found}"


def _stale(rule, now):
    source = rule.source
    success = (
        source.runs.filter(status=IngestRun.Status.SUCCEEDED)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    allowed = timedelta(minutes=rule.stale_multiple * source.interval_minutes)
    if success is None:
        return True, f"{source.name} has never been fetched successfully"
    age = now - success
    minutes = int(age.total_seconds() // 60)
    return (
        age > allowed,
        f"{source.name}: last successful fetch {minutes} min ago (stale after {allowed.total_seconds() / 60:g} min)",
    )


def _failing(rule, now):
    # An interrupted run is judged by the fetch that resumed it.
    finished = rule.source.runs.exclude(
        status__in=[IngestRun.Status.SKIPPED, IngestRun.Status.RUNNING, IngestRun.Status.INTERRUPTED]
    )
    run = finished.first()
    if run is None:
        return False, f"{rule.source.name} has not been fetched yet"
    if run.status == IngestRun.Status.FAILED:
        # The upstream's error text is for admins only (the Sources page shows it to them); alerts reach viewers.
        failed_at = timezone.localtime(run.finished_at or run.started_at)
        return True, f"{rule.source.name}: the last fetch failed at {failed_at:%Y-%m-%d %H:%M}; an admin can see why"
    return False, f"{rule.source.name}: the last fetch succeeded"


CHECKS = {
    AlertRule.Kind.DENIALS: _denials,
    AlertRule.Kind.UTILIZATION: _utilization,
    AlertRule.Kind.STALE: _stale,
    AlertRule.Kind.FAILING: _failing,
}


def evaluate(rule, now=None):
    """Check one rule; on a change of state record an event and email it. Returns the event or None."""
    now = now or timezone.now()
    holds, detail = check(rule, now)
    firing = rule.state == AlertRule.State.FIRING
    rule.detail, rule.checked_at = redact(detail, rule_secrets(rule)), now
    if holds == firing:
        rule.save(update_fields=["detail", "checked_at"])
        return None
    rule.state = AlertRule.State.FIRING if holds else AlertRule.State.OK
    rule.state_since = now
    rule.save(update_fields=["detail", "checked_at", "state", "state_since"])
    change = AlertEvent.Change.FIRED if holds else AlertEvent.Change.CLEARED
    event = AlertEvent.objects.create(rule=rule, at=now, change=change, message=rule.detail)
    _email(rule, event)
    return event


def report_path(rule):
    """The report page of what the rule watches (as its vendor's series names it), else the sources' status."""
    watched = rule.watched() if rule.thing_kind else None
    return (watched and rule.series.page(watched)) or reverse("ingest:sources")


def rule_secrets(rule):
    source = rule.source if rule.source_id else None
    return source.secrets() if source else []


def _email(rule, event):
    site = settings.SITE_URL.rstrip("/")
    context = {
        "rule": rule,
        "event": event,
        "link": f"{site}{reverse('reports:alerts')}",
        "report": site + report_path(rule),
    }
    message = EmailMultiAlternatives(
        subject=" ".join(render_to_string("emails/alert-subject.txt", context).split()),
        body=render_to_string("emails/alert-body.txt", context),
        to=rule.recipient_list,
    )
    message.attach_alternative(render_to_string("emails/alert-body.html", context), "text/html")
    try:
        refused = send_to_each(message, rule.recipient_list)
        event.emailed = len(refused) < len(rule.recipient_list)
        if refused:
            event.error = f"The mail server refused {', '.join(refused)}"
    except Exception as exc:  # SMTP down, bad address: the event stays, with why no email went
        event.error = redact(f"{type(exc).__name__}: {exc}", [settings.EMAIL_HOST_PASSWORD])
        log.warning("Alert email for %s failed: %s", rule.name, event.error)
    event.save(update_fields=["emailed", "error"])


def rules_for_source(source):
    return list(AlertRule.objects.filter(enabled=True, source=source).select_related("source"))


def evaluate_source(source, now=None):
    """After a fetch of `source`: every rule that watches it."""
    return [event for rule in rules_for_source(source) if (event := evaluate(rule, now))]


def evaluate_stale_sources(now=None):
    """On the schedule: staleness changes without any fetch, so stale rules are checked by the clock."""
    rules = AlertRule.objects.filter(enabled=True, kind=AlertRule.Kind.STALE).select_related("source")
    return [event for rule in rules if (event := evaluate(rule, now))]


def on_fetch_finished(sender, source, run, **kwargs):
    evaluate_source(source)
