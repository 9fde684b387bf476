"""When people work: hour-of-day x weekday cells of hourly values, in the display zone.

Every vendor hands in (UTC hour start, value) pairs; each is counted in the local
weekday and hour its start falls in (TIME_ZONE, or the zone given). At DST
changes a local day has 23 or 25 hours: the skipped hour gets nothing that day,
the repeated one gets both UTC hours. In a zone whose offset is not a whole
number of hours (Asia/Kolkata) the cells are still UTC hours, counted in the
local hour they start in (10:00 UTC is 15:30 in Kolkata, so cell 15); `note()`
says so.
"""

from dataclasses import dataclass

from django.utils import timezone

from reports.charts.base import figure

BLUES = [[0, "#eff6ff"], [1, "#1d4ed8"]]  # few to many: light to dark
ORANGES = [[0, "#fff7ed"], [1, "#c2410c"]]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class Heatmap:
    """z[weekday][hour]: the mean (or sum) of the values counted in each cell, None where none were."""

    z: list
    counts: list
    how: str
    minute: int  # the minute past the local hour at which the UTC hours start (30 in Kolkata)

    @property
    def empty(self):
        return not any(any(row) for row in self.counts)

    @property
    def hours(self):
        return [f"{h:02d}:{self.minute:02d}" for h in range(24)]


def weekday_hours(pairs, zone=None, how="mean"):
    """A Heatmap of (utc_hour_start, value) pairs in `zone` (the current zone by default); how: mean or sum."""
    if how not in ("mean", "sum"):
        raise ValueError(f"how must be mean or sum, not {how!r}")
    zone = zone or timezone.get_current_timezone()
    sums = [[0] * 24 for _ in range(7)]
    counts = [[0] * 24 for _ in range(7)]
    minute = None
    for start, value in pairs:
        if value is None:
            continue
        local = start.astimezone(zone)
        minute = local.minute if minute is None else minute
        sums[local.weekday()][local.hour] += value
        counts[local.weekday()][local.hour] += 1
    return heatmap_of(sums, counts, minute, how)


def heatmap_of(sums, counts, minute, how="mean"):
    """The Heatmap of each cell's sum and count of values (sums[weekday][hour], counts likewise)."""
    z = [
        [None if n == 0 else (round(s / n, 2) if how == "mean" else s) for s, n in zip(srow, nrow, strict=True)]
        for srow, nrow in zip(sums, counts, strict=True)
    ]
    return Heatmap(z=z, counts=counts, how=how, minute=minute or 0)


def note(heatmap, office=None):
    """What the cells are: the office hours outlined (`office`, OFFICE_HOURS), and where the zone's hours are not
    UTC hours, what a cell then holds."""
    notes = [f"The outlined cells are the office hours, {office.label} (OFFICE_HOURS)."] if office else []
    if heatmap.minute:
        zone = timezone.get_current_timezone_name()
        notes.append(
            f"Cells are UTC hours: in {zone} they start at :{heatmap.minute:02d} past each hour, "
            f"and each is counted in the local hour it starts in."
        )
    return " ".join(notes)


def office_shapes(heatmap, office):
    """One outline per office day around its office hours, on the heatmap's category axes (cell h spans local
    h:mm to h+1:mm, mm being the heatmap's minute)."""
    if office is None:
        return []
    offset = heatmap.minute / 60 + 0.5
    x0, x1 = office.start / 60 - offset, office.end / 60 - offset
    line = {"color": "#111827", "width": 2}
    return [
        {"type": "rect", "xref": "x", "yref": "y", "x0": x0, "x1": x1, "y0": day - 0.5, "y1": day + 0.5, "line": line}
        for day in office.days
    ]


def heatmap_trace(heatmap, *, name, colorscale=BLUES):
    """A plotly heatmap trace (Plotly's figure schema, no figure objects): weekdays down, local hours across."""
    label = "mean" if heatmap.how == "mean" else "total"
    return {
        "type": "heatmap",
        "name": name,
        "x": heatmap.hours,
        "y": WEEKDAYS,
        "z": heatmap.z,
        "customdata": heatmap.counts,
        "colorscale": colorscale,
        "hoverongaps": False,
        "hovertemplate": f"%{{y}} %{{x}}: {label} %{{z}} ({name}, %{{customdata}} hours)<extra></extra>",
        "colorbar": {"title": {"text": name}},
    }


def heatmap_figure(trace, *, zone_name, shapes=()):
    """The figure around one heatmap trace, Monday on top (`shapes`: the office hours' outlines)."""
    return figure(
        [trace],
        {
            "template": {"layout": {"paper_bgcolor": "white", "plot_bgcolor": "white"}},
            "margin": {"l": 90, "r": 20, "t": 10, "b": 50},
            "xaxis": {"title": {"text": f"Hour of day ({zone_name})"}, "type": "category", "dtick": 1},
            "yaxis": {"autorange": "reversed", "type": "category"},
            "height": 300,
            "shapes": list(shapes),
        },
    )
