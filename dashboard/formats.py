"""How pages, PDFs and emails show numbers and codes: one place, so that every table, figure and axis agrees.

- `number_text(value, kind)`: thousands separators, whole numbers as whole numbers, decimals to two places,
  percent points with a "%", ids bare ("36181", never "36,181").
- `metric_label(code)`: BigFix's license metric codes as people read them ("PVU_SUB_CAP" -> "PVU, sub-capacity").
- `summary_label(key)`: a summary's key as a figure's label ("used_peak" -> "Used peak", "utilization" -> "Utilization %").
"""

import math
from decimal import Decimal

# Every metric the BigFix license-usage document names (PVU and RVU, full capacity and sub-capacity).
BIGFIX_METRICS = {
    "PVU_SUB_CAP": "PVU, sub-capacity",
    "PVU_FULL_CAP": "PVU, full capacity",
    "RVU_SUB_CAP": "RVU, sub-capacity",
    "RVU_FULL_CAP": "RVU, full capacity",
}

# Summary keys that are ids: a figure leads with a name, never "Pk 1".
ID_KEYS = {"pk", "id", "fid", "lsid"}
PERCENT_KEYS = {"utilization"}


def metric_label(code):
    """A BigFix metric code as people read it; a code the document does not name is shown as it is."""
    return BIGFIX_METRICS.get(code, code) if isinstance(code, str) else code


def is_whole(value):
    """A number with nothing after the point (1, 2.0, Decimal("3.00"))."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    if isinstance(value, int):
        return True
    return math.isfinite(value) and value == int(value)


def number_text(value, kind=""):
    """A number as pages show it, by its column's kind (dashboard.tables.KINDS); anything else unchanged."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if kind == "id":
        return str(int(value)) if is_whole(value) else str(value)
    if kind == "percent":
        return f"{value:,.1f} %"
    if kind == "decimal" or (kind != "int" and not is_whole(value)):
        return f"{value:,.2f}"
    return f"{int(value):,}" if is_whole(value) else f"{value:,.2f}"


def summary_label(key):
    label = key.replace("_", " ").capitalize()
    return f"{label} %" if key in PERCENT_KEYS else label


def summary_value(key, value):
    if key in PERCENT_KEYS:
        return number_text(value, "percent")
    return number_text(value)


def summary_keys(keys):
    """The keys a summary shows, ids left out."""
    return [key for key in keys if key not in ID_KEYS and not key.endswith("_id")]


def ago(value, now=None):
    """A past instant relative to now: "just now" under a minute, else "5 minutes ago", "2 days ago"."""
    from django.utils import timezone
    from django.utils.timesince import timesince

    if value is None:
        return ""
    now = now or timezone.now()
    if (now - value).total_seconds() < 60:
        return "just now"
    return f"{timesince(value, now, depth=1)} ago".replace("\xa0", " ")
