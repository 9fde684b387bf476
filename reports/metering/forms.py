"""The Metering Service pages' query-string forms."""

from django import forms

from reports.forms import PeriodForm

BY_CHOICES = [("location", "location"), ("user", "user"), ("application", "application")]


class TenantForm(PeriodForm):
    by = forms.ChoiceField(required=False, choices=BY_CHOICES)
