"""The `--param`s of an MLS source."""

from django import forms

from ingest.vendors.mls.parsing import normalize_mac
from ingest.vendors.params import ListField, ParamsForm, ZoneField

DEFAULT_PER_PAGE = 1440 * 7  # a week of minutes, as the seed's sample asks for
MAX_PER_PAGE = 100_000


def mac_item(value):
    return normalize_mac(value)


class MlsParamsForm(ParamsForm):
    macaddresses = ListField(
        item=mac_item,
        help_text="comma-separated supervisor MAC addresses (any case or separator)",
        error_messages={"required": "MLS needs --param macaddresses=AA:BB:CC:DD:EE:FF[,...]"},
    )
    per_page = forms.IntegerField(
        initial=DEFAULT_PER_PAGE,
        min_value=1,
        max_value=MAX_PER_PAGE,
        help_text=f"records per request (default {DEFAULT_PER_PAGE}, a week of minutes)",
        error_messages={
            "invalid": "per_page must be a whole number",
            "min_value": f"per_page must be between 1 and {MAX_PER_PAGE}",
            "max_value": f"per_page must be between 1 and {MAX_PER_PAGE}",
        },
    )
    timezone = ZoneField(
        initial="UTC",
        help_text=(
            "the zone the server writes ts_date/ts_time in, Area/City (default UTC); records are stored in UTC. "
            "Of a local time that happens twice when DST ends the first is taken, unless the same time came "
            "before with a lower id; a local time that DST skips fails the run"
        ),
    )
