"""The License Statistics pages' query-string forms: periods (with quarters), compared features, snapshots."""

from django import forms

from ingest.models import Source
from reports.forms import OfficeHoursPeriodForm, check_day
from reports.lstat import selectors
from reports.lstat.charts import COMPARE_METRICS
from reports.periods import Period

MAX_COMPARED = 9


class LstatPeriodForm(OfficeHoursPeriodForm):
    """The shared period form (with hours=office), plus quarters: License Statistics reports by quarter too."""

    def __init__(self, data, *, latest, default_days=30):
        super().__init__(data, latest=latest, default_days=default_days, granularities=selectors.GRANULARITIES)

    def period(self):
        data = self.cleaned_data
        if data.get("granularity") == "quarter":  # never too many points: four a year
            return Period(data["start"], data["end"], "quarter")
        return super().period()


class CompareForm(LstatPeriodForm):
    features = forms.TypedMultipleChoiceField(coerce=int, help_text=f"Up to {MAX_COMPARED} features.")
    metric = forms.ChoiceField(choices=list(COMPARE_METRICS.items()), required=False)

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["features"].choices = selectors.lstat_feature_choices()

    def clean_features(self):
        features = self.cleaned_data["features"]
        if len(features) > MAX_COMPARED:
            raise forms.ValidationError(f"Compare at most {MAX_COMPARED} features at once.")
        return features


class SnapshotForm(forms.Form):
    """Which snapshot: a source, then a snapshot id or a moment ("as it was at"), else the latest."""

    source = forms.ModelChoiceField(queryset=Source.objects.none(), required=False, empty_label=None)
    snapshot = forms.IntegerField(required=False, min_value=1)
    at = forms.DateTimeField(
        required=False, label="As at", input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )  # fmt: skip

    def __init__(self, data, *, kind):
        super().__init__(data)
        self.kind = kind
        self.fields["source"].queryset = selectors.lstat_snapshot_sources(kind)

    def clean_at(self):
        at = self.cleaned_data.get("at")
        if at is not None:
            check_day("at", at.date())  # the field read it in the display zone
        return at

    def snapshot_or_none(self):
        """The chosen snapshot; a bad choice becomes a form error."""
        data = self.cleaned_data
        source = data.get("source") or self.fields["source"].queryset.first()
        if source is None:
            return None
        found = selectors.lstat_snapshot(source, self.kind, snapshot_id=data.get("snapshot"), at=data.get("at"))
        if found is None and data.get("snapshot"):
            self.add_error("snapshot", f"No snapshot {data['snapshot']} of {source}.")
        elif found is None and data.get("at"):
            self.add_error("at", f"{source} has no snapshot taken at or before then.")
        return found


class UsersForm(SnapshotForm):
    server = forms.CharField(required=False, max_length=300)
    feature = forms.CharField(required=False, max_length=300)
    user = forms.CharField(required=False, max_length=300, label="User or host")
