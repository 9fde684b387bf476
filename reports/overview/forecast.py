"""When a licensed thing's peak would reach what is owned: the trend of its weekly peaks over 26 weeks.

Each vendor gives its weekly peaks through `reports.<kind>.selectors.weekly_peaks(windows, keys)`
(named by `Vendor.weekly_peaks`): for the things whose keys it is given, the peak of each rolling week
(`week_windows()`, the last ending tonight), None for a week without data. The fit is a least-squares
line (`statistics.linear_regression`) through the weeks with data, fitted again without the weeks whose
residual is an outlier (further than OUTLIER_MADS scaled median absolute deviations from the line: a
single month-end spike or a week of outage does not tilt the trend). The forecast is the number of weeks
from this week until that line reaches the owned figure, or "no growth" where the line does not rise by
more than the weeks' noise (a slope under MIN_T standard errors).
"""

import bisect
import math
import statistics
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.module_loading import import_string

from ingest.vendors import VENDORS

WEEKS = 26
MIN_WEEKS = 4  # fewer weeks with data make no trend
OUTLIER_MADS = 3.0
HORIZON_WEEKS = 104  # further than this is "over 2 years"
GROWTH_EPSILON = 1e-6  # a slope at or below this (units per week) is no growth
MIN_T = 2.0  # a slope less than this many standard errors above zero is noise: no growth


@dataclass(frozen=True)
class Forecast:
    slope: float  # units per week, of the fitted line
    level: float  # the line's value at the current week
    weeks: int | None  # weeks until the line reaches owned (0: already there); None: no growth
    used_weeks: int  # weeks with data that the fit kept

    @property
    def label(self):
        if self.weeks is None:
            return "no growth"
        if self.weeks == 0:
            return "reached"
        if self.weeks > HORIZON_WEEKS:
            return "over 2 years"
        return f"~{self.weeks} week{'s' if self.weeks != 1 else ''}"


def week_windows(today=None, weeks=WEEKS):
    """The last `weeks` rolling weeks, oldest first: (start, end) at local midnights, the last ending tonight."""
    today = today or timezone.localdate()
    zone = timezone.get_current_timezone()

    def midnight(day):
        return timezone.make_aware(datetime.combine(day, time()), zone)

    tomorrow = today + timedelta(days=1)
    return [(midnight(tomorrow - timedelta(weeks=i + 1)), midnight(tomorrow - timedelta(weeks=i))) for i in reversed(range(weeks))]  # fmt: skip


def week_number(field, windows):
    """A database expression: the index of the window `field` falls in (None outside them)."""
    whens = [When(**{f"{field}__gte": s, f"{field}__lt": e}, then=Value(i)) for i, (s, e) in enumerate(windows)]
    return Case(*whens, default=None, output_field=IntegerField())


def week_of(moment, windows):
    """The index of the window holding `moment` (an aware datetime or a date), or None."""
    if not isinstance(moment, datetime):
        moment = timezone.make_aware(datetime.combine(moment, time()), timezone.get_current_timezone())
    i = bisect.bisect_right([start for start, _end in windows], moment) - 1
    return i if i >= 0 and moment < windows[i][1] else None


def peaks_by_week(points, windows):
    """[(moment, value), ...] -> the highest value of each window (None for a window without any)."""
    peaks = [None] * len(windows)
    for moment, value in points:
        i = week_of(moment, windows)
        if i is not None and value is not None:
            peaks[i] = value if peaks[i] is None else max(peaks[i], value)
    return peaks


def _fit(xs, ys):
    if len(set(xs)) < 2:
        return None
    slope, intercept = statistics.linear_regression(xs, ys)
    return slope, intercept


def _significant(points, slope, intercept):
    """Whether the rise is more than the weeks' noise: the slope at least MIN_T standard errors above zero."""
    n = len(points)
    mean_x = statistics.fmean(x for x, _ in points)
    spread_x = sum((x - mean_x) ** 2 for x, _ in points)
    residual = sum((y - intercept - slope * x) ** 2 for x, y in points)
    if n <= 2 or residual <= 1e-12:
        return True  # an exact line: its slope is all there is
    return slope / math.sqrt(residual / (n - 2) / spread_x) >= MIN_T


def forecast(peaks, owned):
    """The Forecast of weekly `peaks` (oldest first, the last this week; None for weeks without data) against
    `owned`, or None when owned is unknown or fewer than MIN_WEEKS weeks have data."""
    if not owned or owned <= 0:
        return None
    points = [(i, float(p)) for i, p in enumerate(peaks) if p is not None]
    if len(points) < MIN_WEEKS:
        # too few weeks for a trend (BigFix's monthly periods over its 90 days): only "already there" is known
        if points and points[-1][1] >= float(owned):
            return Forecast(slope=0.0, level=points[-1][1], weeks=0, used_weeks=len(points))
        return None
    xs, ys = [x for x, _ in points], [y for _, y in points]
    slope, intercept = _fit(xs, ys)
    residuals = [y - (intercept + slope * x) for x, y in points]
    spread = statistics.median(abs(r) for r in residuals) * 1.4826
    if spread > 0:
        kept = [p for p, r in zip(points, residuals, strict=True) if abs(r) <= OUTLIER_MADS * spread]
        if len(kept) >= MIN_WEEKS and len(kept) < len(points):
            points = kept
            slope, intercept = _fit([x for x, _ in kept], [y for _, y in kept])
    now = len(peaks) - 1
    level = intercept + slope * now
    if level >= float(owned):
        weeks = 0
    elif slope <= GROWTH_EPSILON or not _significant(points, slope, intercept):
        weeks = None
    else:
        weeks = math.ceil((float(owned) - level) / slope)
    return Forecast(slope=round(slope, 4), level=round(level, 2), weeks=weeks, used_weeks=len(points))


def weekly_peaks(things, windows=None):
    """{(kind, key): weekly peaks} of the given things, each vendor asked once for the keys of its things."""
    windows = windows or week_windows()
    keys = {}
    for t in things:
        keys.setdefault(t.kind, set()).add(t.key)
    out = {}
    for vendor in VENDORS:
        if keys.get(vendor.kind):
            found = import_string(vendor.weekly_peaks)(windows, sorted(keys[vendor.kind]))
            out.update({(vendor.kind, key): peaks for key, peaks in found.items()})
    return out


def forecasts(owned_things, windows=None):
    """{(kind, key): Forecast or None} for [(thing, owned), ...]: the things with an owned figure."""
    owned_things = [(t, owned) for t, owned in owned_things if owned]
    peaks = weekly_peaks([t for t, _ in owned_things], windows)
    return {(t.kind, t.key): forecast(peaks.get((t.kind, t.key), []), owned) for t, owned in owned_things}


def owned_of(kind, key, vendor_owned=None):
    """What is owned of one thing: the entered quantity where there is one, else the vendor's figure."""
    from reports.overview.models import Entitlement
    from reports.overview.things import quantity

    entered = Entitlement.objects.filter(kind=kind, key=key).exclude(owned=None).values_list("owned", flat=True)
    entered = quantity(next(iter(entered), None))
    return entered if entered is not None else vendor_owned


def forecast_kpis(kind, key, vendor_owned=None):
    """A thing's page's forecast figure box: when its weekly peaks' trend reaches what is owned ([] without owned)."""
    from dashboard.tables import Kpi

    owned = owned_of(kind, key, vendor_owned)
    if not owned:
        return []
    windows = week_windows()
    vendor = next(v for v in VENDORS if v.kind == kind)
    trend = forecast(import_string(vendor.weekly_peaks)(windows, [key]).get(key, []), owned)
    if trend is None:
        return [Kpi("Reaches owned", "—", f"fewer than {MIN_WEEKS} weeks of data in the last {WEEKS}")]
    owned_text = f"{owned:,.0f}" if float(owned).is_integer() else f"{owned:,.2f}"
    return [
        Kpi(
            "Reaches owned", trend.label, f"weekly peaks {trend.slope:+g} a week over {WEEKS} weeks; owned {owned_text}"
        )
    ]


FORECAST_COLUMNS = [("forecast", "Forecast"), ("reaches_owned", "Reaches owned in (weeks)")]


def attach_forecasts(rows, shown=None):
    """Set the `forecast` (a Forecast, or None without owned or enough weeks) of each row of `shown` (by default
    every row); the rows. The weekly peaks are read for every row's thing all the same: one cached entry, whichever
    page of the rows a table shows."""
    peaks = weekly_peaks([r.thing for r in rows if r.thing.owned])
    for row in rows if shown is None else shown:
        row.forecast = forecast(peaks.get((row.thing.kind, row.thing.key), []), row.thing.owned)
    return rows


def forecast_cells(row):
    """A row's FORECAST_COLUMNS for the overview's downloads."""
    trend = getattr(row, "forecast", None)
    return {"forecast": trend.label if trend else "", "reaches_owned": trend.weeks if trend else None}


def overview_columns():
    """The overview download's columns (and the API's `things` fields): the figures, then the forecast."""
    from reports.overview.selectors import DOWNLOAD_COLUMNS

    return DOWNLOAD_COLUMNS + FORECAST_COLUMNS


def overview_download_row(row):
    """One row of the overview's download: `download_row`'s figures and the row's forecast (attach_forecasts)."""
    from reports.overview.selectors import download_row

    return {**download_row(row), **forecast_cells(row)}
