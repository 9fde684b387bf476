"""The Alert me form: one rule kind's fields only, the watched thing fixed from the page it was opened on."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from ingest.models import Source
from reports.alerts.models import AlertRule
from reports.alerts.series import series_for
from reports.subscriptions.recipients import recipients_for, recipients_help

Kind = AlertRule.Kind

# (field, label, help) of each kind, after what it watches; the model's defaults fill the fields a kind lacks.
KIND_FIELDS = {
    Kind.DENIALS: [
        ("threshold", "Alert at more than", "denials (0 = any denial)"),
        ("hours", "Counted over the last", "hours"),
    ],
    Kind.UTILIZATION: [
        (
            "threshold",
            "Alert at",
            "percent (e.g. 90) of the licenses owned, as entered on the overview, else of the seats the vendor reports",
        ),
        ("hours", "Held for", "hours in a row"),
    ],
    Kind.STALE: [("stale_multiple", "Stale after", "fetch intervals without a successful fetch")],
    Kind.FAILING: [],
}
BOUNDS = {"threshold": (0, 100000), "hours": (1, 24 * 14), "stale_multiple": (1, 1000)}
THING = ["thing_kind", "thing_key"]  # a vendor's licensed thing, by the kind and key its series knows it by


def watched_fields(kind):
    """The fields naming what a rule of `kind` watches: a source, or a vendor's thing (fixed by the page)."""
    return ["source"] if kind in (Kind.STALE, Kind.FAILING) else THING


def alert_rule_form(kind):
    """The form class of one kind of rule."""
    extra = [field for field, _, _ in KIND_FIELDS[kind]]
    watched = watched_fields(kind)

    class AlertRuleForm(forms.ModelForm):
        class Meta:
            model = AlertRule
            fields = ["name", *watched, *extra, "recipients", "enabled"]
            widgets = {
                "recipients": forms.TextInput(attrs={"size": 60}),
                # The page's licensed thing, carried as it is (there may be thousands to choose from).
                **{field: forms.HiddenInput for field in THING},
            }

        def __init__(self, *args, owner, **kwargs):
            super().__init__(*args, **kwargs)
            self.instance.kind, self.owner = kind, owner
            for field in watched:
                self.fields[field].required = True
            if "source" in self.fields:
                self.fields["source"].queryset = Source.objects.all()
            self.fields["recipients"].help_text = recipients_help(owner)
            for field, label, help_text in KIND_FIELDS[kind]:
                low, high = BOUNDS[field]
                self.fields[field].label, self.fields[field].help_text = label, help_text
                self.fields[field].validators += [MinValueValidator(low), MaxValueValidator(high)]
                self.fields[field].widget.attrs.update(min=low, max=high)

        def clean_recipients(self):
            try:
                return ", ".join(recipients_for(self.cleaned_data["recipients"], owner=self.owner))
            except ValueError as exc:
                raise forms.ValidationError(str(exc).removeprefix("--to: ")) from None

    return AlertRuleForm


def watched_of(kind, data):
    """(what it watches, in words, with its source) of a rule of `kind` given the form's or the page's values;
    None when they name nothing there is."""
    if kind in (Kind.STALE, Kind.FAILING):
        key = str(data.get("source") or "")
        source = Source.objects.filter(pk=key).first() if key.isdigit() else None
        return source and source.name
    series = series_for(str(data.get("thing_kind") or ""))
    watched = series.find(str(data.get("thing_key") or "")) if series and kind in series.rules else None
    return watched and f"{watched.name} on {Source.objects.get(pk=watched.source_id).name}"


def initial_for(kind, user, data):
    """The form's first values: the page's thing, a name saying what it watches, the user's own address."""
    initial = {field: data.get(field) for field in watched_fields(kind)}
    initial |= {"recipients": user.email, "enabled": True}
    for field, _, _ in KIND_FIELDS[kind]:
        if data.get(field):
            initial[field] = data[field]
    initial["name"] = f"{watched_of(kind, data) or ''} {kind}".strip()[:100]
    return initial
