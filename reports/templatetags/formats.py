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


@register.filter
def ago(value):
    """{{ run.finished_at|ago }}: "just now", "5 minutes ago" (instead of "0 minutes ago")."""
    return formats.ago(value)


@register.filter
def param_value(value):
    """A source parameter as add_source takes it: a list as "a,b", never "['a', 'b']"."""
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return value
