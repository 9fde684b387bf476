"""The `--param` values a Metering Service source takes."""

from ingest.vendors.params import ListField, MomentField, OneOfField, ParamsForm, WholeNumberField

SINCE_DAYS = 365  # a first fetch reads a year back, as License Statistics does, unless `since` says otherwise


def tenant_id(text):
    if len(text) > 64:
        raise ValueError(f"tenant ids are at most 64 characters; {text[:64]!r}... is longer")
    return text


class MeteringParamsForm(ParamsForm):
    tenants = ListField(
        item=tenant_id,
        error_messages={"required": "the metering source needs --param tenants=TENANT[,TENANT...]"},
        help_text="tenant ids, comma-separated",
    )
    auth = OneOfField(
        choices=("basic", "bearer"),
        initial="basic",
        help_text="basic (the --username and --password of an ADMIN user, sent with HTTP Basic) "
        "or bearer (the --token)",
    )
    since = MomentField(
        required=False,
        default_text=f"{SINCE_DAYS} days ago",
        help_text="where a tenant's first fetch starts, a date or datetime in UTC unless it names its zone",
    )
    window_hours = WholeNumberField(min_value=1, max_value=24 * 31, initial=24, help_text="hours per request window")
    overlap_minutes = WholeNumberField(
        min_value=0, max_value=24 * 60, initial=60, help_text="minutes each window re-reads before the cursor"
    )
    lag_minutes = WholeNumberField(
        min_value=0, max_value=24 * 60, initial=10, help_text="how far behind the service's clock the cursor stays"
    )
