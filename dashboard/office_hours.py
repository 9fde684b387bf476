"""Office hours: the working days and hours (OFFICE_HOURS, e.g. "Mon-Fri 08:00-18:00") in the display zone.

Averages and bands restricted to office hours (a report's `hours=office`) count only the minutes whose local
time (TIME_ZONE) falls on an office day between the start (inclusive) and the end (exclusive); the heatmaps
outline the same cells. Pure Python, so settings.py parses it at start-up and a bad value stops the process.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_TIME = r"(\d{1,2}):(\d{2})"
_PATTERN = re.compile(rf"^\s*(?P<days>[A-Za-z,\- ]+?)\s+{_TIME}\s*-\s*{_TIME}\s*$")
EXAMPLE = "Mon-Fri 08:00-18:00"


@dataclass(frozen=True)
class OfficeHours:
    """Office days (0 = Monday) and the local minutes of the day from `start` (inclusive) to `end` (exclusive)."""

    days: tuple
    start: int  # minutes after local midnight
    end: int

    @property
    def label(self):
        """ "Mon–Fri 08:00–18:00", as a person writes it."""
        return f"{_days_label(self.days)} {_hhmm(self.start)}–{_hhmm(self.end)}"

    def contains(self, moment):
        """Whether an aware datetime falls in office hours, in its own zone (pass it in the display zone)."""
        minute = moment.hour * 60 + moment.minute
        return moment.weekday() in self.days and self.start <= minute < self.end

    def covers(self, hour_start, zone, length=timedelta(hours=1)):
        """True if every minute of [hour_start, hour_start + length) is in office hours, False if none is,
        None if the span is split (read its minutes one by one)."""
        first, last = hour_start.astimezone(zone), (hour_start + length - timedelta(minutes=1)).astimezone(zone)
        if first.utcoffset() != last.utcoffset() or first.date() != last.date():
            return None  # a DST change or local midnight inside the span
        if first.weekday() not in self.days:
            return False
        low, high = first.hour * 60 + first.minute, last.hour * 60 + last.minute
        if self.start <= low and high < self.end:
            return True
        if high < self.start or low >= self.end:
            return False
        return None


def parse(text):
    """The OfficeHours of "Mon-Fri 08:00-18:00" (days as a range or a list: "Sun-Thu", "Mon,Wed,Fri"; the end
    may be 24:00); ValueError saying what is wrong."""
    match = _PATTERN.match(text or "")
    if not match:
        raise ValueError(f"write office hours as days and times, e.g. {EXAMPLE!r}, not {text!r}")
    days = _parse_days(match["days"])
    start, end = _minutes(match[2], match[3]), _minutes(match[4], match[5])
    if not start < end:
        raise ValueError(f"the office hours' start ({_hhmm(start)}) must be before their end ({_hhmm(end)})")
    return OfficeHours(days=days, start=start, end=end)


def _parse_days(text):
    days = set()
    for part in text.replace(" ", "").split(","):
        first, _, last = part.partition("-")
        a, b = _day(first), _day(last or first)
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])  # Sat-Tue wraps
    return tuple(sorted(days))


def _day(name):
    key = name[:3].capitalize()
    if key not in DAYS or len(name) < 3:
        raise ValueError(f"unknown day {name!r}: use Mon, Tue, Wed, Thu, Fri, Sat or Sun")
    return DAYS.index(key)


def _minutes(hours, minutes):
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > 24 * 60:
        raise ValueError(f"{hours}:{minutes} is no time of day (00:00 to 24:00)")
    return value


def _hhmm(minutes):
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _days_label(days):
    """Runs of consecutive days as "Mon–Fri", others listed: "Mon–Wed, Fri"."""
    runs, run = [], [days[0]]
    for day in days[1:]:
        if day == run[-1] + 1:
            run.append(day)
        else:
            runs.append(run)
            run = [day]
    runs.append(run)
    return ", ".join(DAYS[r[0]] if len(r) == 1 else f"{DAYS[r[0]]}–{DAYS[r[-1]]}" for r in runs)
