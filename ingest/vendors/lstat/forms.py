"""License Statistics' `--param`s: one form field each, with the help text `add_source` and the admin show."""

from django import forms

from ingest.vendors.params import ListField, ParamsForm, ZoneField

DEFAULT_PAGE_SIZE = 1000
DEFAULT_HOURLY_DAYS = 14
DEFAULT_HISTORY_DAYS = 365
SNAPSHOT_KINDS = ["users", "current_usage", "highest_usage"]


def id_item(text):
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"takes comma-separated whole numbers, e.g. 3,7; {text!r} is not one") from None


def bounded(low, high, **kwargs):
    message = f"must be a whole number between {low} and {high}"
    return forms.IntegerField(
        min_value=low,
        max_value=high,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
        **kwargs,
    )


class LstatParamsForm(ParamsForm):
    lsids = ListField(
        item=id_item,
        required=False,
        help_text="comma-separated license server ids to cover (default: every server License Statistics lists)",
    )
    fids = ListField(
        item=id_item,
        required=False,
        help_text="comma-separated feature ids to fetch on their own instead of whole servers: one through the "
        "feature endpoint, several through the comparison endpoint",
    )
    history_start = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "must be a date YYYY-MM-DD"},
        help_text=f"first day of the daily history, YYYY-MM-DD (default: {DEFAULT_HISTORY_DAYS} days ago)",
    )
    hourly_days = bounded(
        0,
        92,
        initial=DEFAULT_HOURLY_DAYS,
        help_text=f"days of hourly history kept fetched (default {DEFAULT_HOURLY_DAYS}; 0 for none): the first run reads "
        "them all, later runs from the last complete hour",
    )
    timezone = ZoneField(
        required=False, help_text="zone License Statistics writes its dates in, Area/City (default: TIME_ZONE)"
    )
    page_size = bounded(
        1, 100_000, initial=DEFAULT_PAGE_SIZE, help_text=f"rows per request, the `limit` (default {DEFAULT_PAGE_SIZE})"
    )
    snapshots = ListField(
        required=False,
        initial=",".join(SNAPSHOT_KINDS),
        help_text="current-users reports to snapshot on each run: users,current_usage,highest_usage "
        "(default all three; 'none' for none)",
    )

    def clean_snapshots(self):
        kinds = self.cleaned_data["snapshots"]
        if kinds == ["none"]:
            return []
        unknown = set(kinds) - set(SNAPSHOT_KINDS)
        if unknown:
            raise forms.ValidationError(f"takes {', '.join(SNAPSHOT_KINDS)} or none; not {', '.join(sorted(unknown))}")
        return kinds
