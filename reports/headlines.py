"""The headline finding an emailed (and printed) report opens with: the one sentence a reader should see first.

Each report's `build_data` gives its `ReportData.headline` (a function, so only an email or a PDF computes it)
from the figures it already holds, with these helpers: a peak against what is owned and the denials
("MATLAB on flex-eu-01 peaked at 20 of 20 seats, 14 denials"), or the biggest of a table's rows.
"""

from dashboard.formats import number_text


def amount(value, unit=""):
    """A figure as pages show it, with its unit: "1,234 seats"."""
    return f"{number_text(value)} {unit}".strip()


def plural(count, word):
    return f"{number_text(count)} {word}{'' if count == 1 else 's'}"


def peaked(name, peak, *, owned=None, unit="seats", denials=None, when=""):
    """ "<name> peaked at <peak> of <owned> <unit>, <denials> denials": the owned part where it is known, the
    denials where any were counted, `when` (" in 2026-03") after the peak."""
    against = f"{number_text(peak)} of {amount(owned, unit)}" if owned else amount(peak, unit)
    text = f"{name} peaked at {against}{when}"
    return f"{text}, {plural(denials, 'denial')}" if denials else text


def biggest(rows, key):
    """The row with the largest `key` (the first of equals), or None where no row has a value."""
    candidates = [row for row in rows if row.get(key) is not None]
    return max(candidates, key=lambda row: row[key]) if candidates else None


def nothing(what, period=None):
    """The headline of a report with nothing in it."""
    return f"No {what} between {period.start} and {period.end}" if period else f"No {what} yet"
