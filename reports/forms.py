from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.utils import timezone

from reports.periods import GRANULARITIES, Period, fit_granularity

MAX_RANGE_DAYS = 366 * 20
# Every date a report accepts lies in these bounds: a day whose midnight, in any display zone, is a datetime
# Python and the databases can hold, and no further ahead than anything that could have been measured.
EARLIEST_DAY = date(1970, 1, 1)
DAYS_AHEAD = 366


def date_bounds():
    """The first and last day a report parameter may name (the last one a year after today, in the display zone)."""
    return EARLIEST_DAY, timezone.localdate() + timedelta(days=DAYS_AHEAD)


def check_day(name, day):
    """`day` itself if it lies within date_bounds(); else a ValidationError naming the parameter."""
    if day is None:
        return day
    first, last = date_bounds()
    if not first <= day <= last:
        raise forms.ValidationError(f"{name}: choose a date from {first.isoformat()} to {last.isoformat()}.")
    return day


class PeriodForm(forms.Form):
    """The date range and granularity of a report, from the query string."""

    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    granularity = forms.ChoiceField(required=False, choices=[("", "auto")] + [(g, g) for g in GRANULARITIES])

    def __init__(self, data, *, latest, default_days=30, granularities=GRANULARITIES):
        super().__init__(data)
        self.latest = latest
        self.default_days = default_days
        self.fields["granularity"].choices = [("", "auto")] + [(g, g) for g in granularities]
        self.granularities = list(granularities)
        if len(self.granularities) == 1:  # nothing to choose: data of one granularity (e.g. monthly periods)
            self.fields["granularity"].widget = forms.HiddenInput()

    def clean_start(self):
        return check_day("start", self.cleaned_data.get("start"))

    def clean_end(self):
        return check_day("end", self.cleaned_data.get("end"))

    def clean(self):
        data = super().clean()
        if self.has_error("start") or self.has_error("end"):
            return data
        end = data.get("end") or self.latest
        start = data.get("start") or max(end - timedelta(days=self.default_days - 1), EARLIEST_DAY)
        if start > end:
            raise forms.ValidationError("The start date must not be after the end date.")
        if (end - start).days > MAX_RANGE_DAYS:
            raise forms.ValidationError(f"Choose a range of at most {MAX_RANGE_DAYS} days.")
        data["start"], data["end"] = start, end
        # Show the dates in effect, not empty boxes, when the defaults were used.
        self.data = self.data.copy()
        self.data["start"], self.data["end"] = start.isoformat(), end.isoformat()
        return data

    def period(self):
        data = self.cleaned_data
        requested = self.granularities[0] if len(self.granularities) == 1 else data.get("granularity") or None
        granularity, note = fit_granularity(data["start"], data["end"], requested)
        return Period(data["start"], data["end"], granularity, note)


class OfficeHoursPeriodForm(PeriodForm):
    """A period whose averages, bands and tables may be restricted to office hours (hours=office, OFFICE_HOURS)."""

    hours = forms.ChoiceField(
        required=False,
        choices=[("all", "all hours"), ("office", "office hours")],
        help_text="all (the default): averages over every hour; office: only the office hours (OFFICE_HOURS)",
    )

    def office_hours(self):
        """The OfficeHours to restrict to, or None for every hour."""
        return settings.OFFICE_HOURS if self.cleaned_data.get("hours") == "office" else None
