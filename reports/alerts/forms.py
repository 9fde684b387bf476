"""The Alert me form: one rule kind's fields only, the watched thing fixed from the page it was opened on."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from ingest.models import Source
from ingest.vendors.lstat.models import LstatFeature
from ingest.vendors.mls.models import MlsSupervisor
from reports.alerts.models import AlertRule
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
WATCHED = {"feature": LstatFeature, "supervisor": MlsSupervisor, "source": Source}


def watched_field(kind, data):
    """Which field names what the rule watches: the source for stale and failing, the feature or (given one)
    the MLS supervisor for utilization, the feature for denials."""
    if kind in (Kind.STALE, Kind.FAILING):
        return "source"
    return "supervisor" if kind == Kind.UTILIZATION and data.get("supervisor") else "feature"


def alert_rule_form(kind, watched):
    """The form class of one kind of rule, watching `watched` ("feature", "supervisor" or "source")."""
    extra = [field for field, _, _ in KIND_FIELDS[kind]]

    class AlertRuleForm(forms.ModelForm):
        class Meta:
            model = AlertRule
            fields = ["name", watched, *extra, "recipients", "enabled"]
            widgets = {
                "recipients": forms.TextInput(attrs={"size": 60}),
                # A page's feature or supervisor, carried as it is (there may be thousands to choose from).
                **({} if watched == "source" else {watched: forms.HiddenInput}),
            }

        def __init__(self, *args, owner, **kwargs):
            super().__init__(*args, **kwargs)
            self.instance.kind, self.owner = kind, owner
            self.fields[watched].required = True
            self.fields[watched].queryset = WATCHED[watched].objects.all()
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


def initial_for(kind, watched, thing, user, data):
    """The form's first values: the page's thing, a name saying what it watches, the user's own address."""
    initial = {watched: thing.pk if thing else None, "recipients": user.email, "enabled": True}
    for field, _, _ in KIND_FIELDS[kind]:
        if data.get(field):
            initial[field] = data[field]
    what = f"{thing} on {thing.source.name}" if thing and watched != "source" else str(thing or "")
    initial["name"] = f"{what} {kind}".strip()[:100]
    return initial
