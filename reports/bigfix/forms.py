"""The BigFix pages' query-string form."""

from django import forms

from reports.bigfix import selectors
from reports.forms import PeriodForm


class BigfixForm(PeriodForm):
    """Reporting periods overlapping start..end, and the metric to chart (monthly periods only)."""

    metric = forms.ChoiceField(required=False)

    def __init__(self, data, *, metrics):
        super().__init__(data, latest=selectors.bigfix_latest_day(), default_days=366, granularities=["month"])
        self.metrics = metrics
        self.fields["metric"].choices = [("", "default")] + [(m, m) for m in metrics]

    def chosen_metric(self):
        return self.cleaned_data.get("metric") or (self.metrics[0] if self.metrics else "")
