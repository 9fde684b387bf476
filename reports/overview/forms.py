from django import forms

from ingest.vendors import VENDORS
from reports.forms import PeriodForm
from reports.overview.selectors import SORTS

DEFAULT_DAYS = 90
DEFAULT_PERCENTILE = 99


class OverviewForm(PeriodForm):
    """The overview's period (default the last 90 days), right-sizing percentile, filters and sort."""

    p = forms.FloatField(
        required=False, min_value=50, max_value=100, label="Right-size to % of hours",
        error_messages={"min_value": "The percentile must be between 50 and 100.",
                        "max_value": "The percentile must be between 50 and 100."},
    )  # fmt: skip
    kind = forms.ChoiceField(required=False, label="Vendor")
    source = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    server = forms.CharField(required=False, max_length=300, label="Server")
    sort = forms.ChoiceField(required=False, choices=[("", "")] + [(s, s) for k in SORTS for s in (k, f"-{k}")])

    def __init__(self, data, *, latest, sources):
        super().__init__(data, latest=latest, default_days=DEFAULT_DAYS, granularities=["day"])
        self.fields["kind"].choices = [("", "all")] + [(v.kind, v.nav_label) for v in VENDORS]
        self.fields["source"].choices = [("", "all")] + [(s.pk, s.name) for s in sources]

    def percentile(self):
        p = self.cleaned_data.get("p")
        return DEFAULT_PERCENTILE if p is None else p
