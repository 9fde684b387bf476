"""Money in the configured currency, and trend sparklines as small inline SVG."""

from django import template
from django.conf import settings
from django.utils.html import format_html

register = template.Library()

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF ", "INR": "₹"}
WIDTH, HEIGHT = 90, 24  # the viewBox has 3 units more each side: room for the last point's circle


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
    """A line of the values (oldest first), scaled to its own range, with the last point marked. Where the last
    value's period is still running (a reports.charts.base.Trend ending today or later), the segment into it is
    dotted and the point hollow, and the label says so: a day that has not ended is not read as a fall."""
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
    running = getattr(values, "running", False)
    closed = points[:-1] if running and len(values) > 1 else points
    x, y = points[-1]
    label = f"trend from {number(values[0])} to {number(values[-1])}"
    label += f" (the last period, to {values.ends}, is still running)" if running else ""
    return format_html(
        '<svg class="spark"{} width="{}" height="{}" viewBox="-3 0 {} {}" role="img" aria-label="{}"><title>{}</title>'
        '<polyline points="{}" fill="none" stroke="currentColor" stroke-width="1.5"/>{}{}</svg>',
        format_html(' data-running="{}"', values.ends) if running else "", WIDTH, HEIGHT, WIDTH + 6, HEIGHT, label, label, _points(closed),
        format_html('<polyline points="{}" fill="none" stroke="currentColor" stroke-width="1.5" stroke-dasharray="2 2"/>',
                    _points(points[-2:])) if closed is not points else "",
        format_html('<circle cx="{}" cy="{}" r="2" fill="{}" stroke="currentColor"/>', x, y,
                    "white" if running else "currentColor"),
    )  # fmt: skip


def _points(points):
    return " ".join(f"{x},{y}" for x, y in points)
