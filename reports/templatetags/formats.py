"""Numbers and codes in templates as pages show them everywhere (dashboard/formats.py)."""

from django import template

from dashboard import formats

register = template.Library()


@register.filter
def metric_label(code):
    """A BigFix metric code as people read it: {{ metric|metric_label }} -> "PVU, sub-capacity"."""
    return formats.metric_label(code)


@register.filter
def figure(value, kind=""):
    """A number with thousands separators and consistent decimals: {{ value|figure }}, {{ share|figure:"percent" }}."""
    return formats.number_text(value, kind)
