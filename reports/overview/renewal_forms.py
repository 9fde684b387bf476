from django import forms

from reports.forms import PeriodForm
from reports.overview.forms import DEFAULT_DAYS as PEAK_DAYS
from reports.overview.forms import DEFAULT_PERCENTILE, OverviewForm
from reports.overview.renewals import DEFAULT_DAYS, MAX_DAYS

DAYS_ERROR = f"Choose a whole number of days from 1 to {MAX_DAYS}."


class RenewalsForm(PeriodForm):
    """The renewals page: how many days ahead (?days=N), and the period and percentile its figures are read over."""

    days = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_DAYS, label="days",
        error_messages={"invalid": DAYS_ERROR, "min_value": DAYS_ERROR, "max_value": DAYS_ERROR},
    )  # fmt: skip
    p = OverviewForm.base_fields["p"]  # the overview's right-sizing percentile, the same field

    def __init__(self, data, *, latest):
        super().__init__(data, latest=latest, default_days=PEAK_DAYS, granularities=["day"])

    def ahead(self):
        days = self.cleaned_data.get("days")
        return DEFAULT_DAYS if days is None else days

    def percentile(self):
        p = self.cleaned_data.get("p")
        return DEFAULT_PERCENTILE if p is None else p
