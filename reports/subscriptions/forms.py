import re
from zoneinfo import available_timezones

from django import forms
from django.urls import URLResolver, get_resolver

from reports.subscriptions.capture import ReportError, capture
from reports.subscriptions.models import Subscription
from reports.subscriptions.recipients import recipients_for, recipients_help
from reports.subscriptions.schedule import zone

ZONES = sorted(name for name in available_timezones() if "/" in name or name == "UTC")


class SubscriptionForm(forms.ModelForm):
    """A subscription from the Subscribe button: the report on screen, and when and to whom to send it."""

    class Meta:
        model = Subscription
        fields = [
            "name", "report", "period", "recipients", "every", "weekday", "day_of_month", "at", "timezone",
            "include_charts", "include_summary", "attach_csv", "attach_xlsx", "enabled",
        ]  # fmt: skip
        widgets = {
            "report": forms.TextInput(attrs={"size": 70}),
            "recipients": forms.TextInput(attrs={"size": 70, "placeholder": "you@example.com, boss@example.com"}),
            "at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "timezone": forms.Select(choices=[(name, name.replace("_", " ")) for name in ZONES]),
        }

    def __init__(self, *args, owner=None, **kwargs):
        """`owner`: the viewer on the Subscribe form, whose recipients the rule checks as theirs (in the admin,
        the subscription's own owner, checked by the model)."""
        super().__init__(*args, **kwargs)
        self.owner = owner if owner is not None else self.instance.owner
        self.fields["recipients"].help_text = recipients_help(self.owner)
        self.fields["report"].help_text = report_help()
        self.fields["timezone"].label, self.fields["timezone"].help_text = "Time zone", "The zone of the time above."
        zone_now = self["timezone"].value()
        if zone_now and zone_now not in ZONES:  # a zone saved before (e.g. "EST5EDT") stays selectable
            self.fields["timezone"].widget.choices = [(zone_now, zone_now), *self.fields["timezone"].widget.choices]

    def clean(self):
        data = super().clean()
        checks = [
            ("recipients", lambda value: ", ".join(recipients_for(value, owner=self.owner))),
            ("timezone", lambda value: zone(value) and value),
            ("report", lambda value: capture(value) and value),
        ]
        for field, check in checks:
            if data.get(field):
                try:
                    data[field] = check(data[field])
                except (ValueError, ReportError) as exc:
                    self.add_error(field, str(exc).removeprefix("--to: "))
        return data

    def fields_for_save(self):
        data = dict(self.cleaned_data)
        return {"name": data.pop("name"), "report": data.pop("report"), "recipients": data.pop("recipients"), **data}


def report_help():
    """The report field's help: the pages that may be subscribed to, every subscribable Report at a URL (the
    registry's vendors' reports, ingest.vendors, and the shared ones such as the renewals)."""
    paths = [f"/{route}" for route, report in _report_routes(get_resolver()) if report.subscribable]
    return (
        "The report's dashboard path and query, as its page's Subscribe button gives it, e.g. "
        f"/mls/00:1A:2B:3C:4D:5E/?granularity=day. Reports that may be subscribed to: {', '.join(paths)}."
    )


def _report_routes(resolver, prefix=""):
    """(route, Report class) of every report URL under `resolver`, its converters shown as <name>."""
    for pattern in resolver.url_patterns:
        route = prefix + re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            yield from _report_routes(pattern, route)
        else:
            report = getattr(getattr(pattern.callback, "__wrapped__", pattern.callback), "report_class", None)
            if report is not None:
                yield route, report
