from zoneinfo import available_timezones

from django import forms

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
