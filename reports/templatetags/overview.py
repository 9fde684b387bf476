"""Money in the configured currency, and trend sparklines as small inline SVG."""

from django import template
from django.conf import settings
from django.utils.html import format_html

register = template.Library()

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF ", "INR": "₹"}
WIDTH, HEIGHT = 90, 24


@register.filter
def money(value):
    """ "€21,600" (whole units), or "" for no value; codes without a symbol read "SEK 21,600"."""
    if value is None or value == "":
        return ""
    code = settings.CURRENCY
    symbol = SYMBOLS.get(code, f"{code} ")
    return f"{symbol}{value:,.0f}"


@register.filter
def number(value):
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


@register.filter
def sparkline(values):
    """A line of the values (oldest first), scaled to its own range, with the last point marked."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1
    step = WIDTH / max(len(values) - 1, 1)
    points = [
        (round(i * step, 1), round(HEIGHT - 2 - (v - low) / span * (HEIGHT - 4), 1)) for i, v in enumerate(values)
    ]
    if len(points) == 1:
        points.append((WIDTH, points[0][1]))
    line = " ".join(f"{x},{y}" for x, y in points)
    x, y = points[-1]
    return format_html(
        '<svg class="spark" width="{}" height="{}" viewBox="0 0 {} {}" role="img" aria-label="trend from {} to {}">'
        '<polyline points="{}" fill="none" stroke="currentColor" stroke-width="1.5"/>'
        '<circle cx="{}" cy="{}" r="2" fill="currentColor"/></svg>',
        WIDTH, HEIGHT, WIDTH, HEIGHT, number(values[0]), number(values[-1]), line, x, y,
    )  # fmt: skip
