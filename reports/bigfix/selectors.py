"""IBM BigFix Inventory: peak license usage per product, metric, computer system and reporting period.

"Product" is what BigFix's license reports call a licensed software title; the vendor's API and our
models keep its id as `software_title_id`, and these selectors call it a product throughout.

BigFix reports each computer system's peak per reporting period. A product's
figure for a period is the sum of its systems' peaks: what the systems could
have needed at once, the conservative number a license review works with.
"""

from datetime import date, timedelta

from django.db.models import Count, Max, Sum
from django.utils import timezone

from dashboard.tables import Pair
from ingest.vendors.bigfix.models import BigfixSoftwareTitle, BigfixUsage
from reports.cache import by_kind, cached
from reports.charts.base import Trend
from reports.periods import Period

# Sub-capacity PVU first: the metric most IBM contracts are measured by.
METRIC_ORDER = ["PVU_SUB_CAP", "PVU_FULL_CAP", "RVU_SUB_CAP", "RVU_FULL_CAP"]
TOP_PRODUCTS = 10


@cached(by_kind("bigfix"))
def bigfix_metrics():
    found = set(BigfixUsage.objects.values_list("metric_name", flat=True).distinct())
    return sorted(found, key=lambda m: (METRIC_ORDER.index(m) if m in METRIC_ORDER else len(METRIC_ORDER), m))


def bigfix_latest_day():
    last = BigfixUsage.objects.aggregate(last=Max("reporting_period_end_date"))["last"]
    return last or timezone.localdate()


def peak_number(value):
    """Whole numbers without a trailing .0 (PVUs are whole), others to two decimals."""
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


def _in_period(queryset, period):
    """Reporting periods that overlap the report's dates."""
    return queryset.filter(reporting_period_start_date__lte=period.end, reporting_period_end_date__gte=period.start)


def _catalog():
    return {(t.source_id, t.software_title_id): t for t in BigfixSoftwareTitle.objects.all()}


def _product(catalog, source_id, product_id):
    entry = catalog.get((source_id, product_id))
    return {
        "product": entry.name if entry else f"Product {product_id}",
        "publisher": entry.publisher_name if entry else "",
        "publisher_guid": entry.publisher_guid if entry else "",
        "source_id": source_id,
        "software_title_id": product_id,
    }


def bigfix_product(source_id, product_id):
    """The product's name and publisher, or None when no usage of it is stored."""
    if not BigfixUsage.objects.filter(source_id=source_id, software_title_id=product_id).exists():
        return None
    return _product(_catalog(), source_id, product_id)


@cached(by_kind("bigfix"))
def bigfix_product_series(period, metric=None):
    """Per reporting period, product and metric: the sum of the computer systems' peaks."""
    usages = _in_period(BigfixUsage.objects.all(), period)
    if metric:
        usages = usages.filter(metric_name=metric)
    groups = (
        usages.values("source_id", "software_title_id", "metric_name", "reporting_period_start_date")
        .annotate(peak=Sum("peak_value"), systems=Count("id"), period_end=Max("reporting_period_end_date"))
        .order_by("reporting_period_start_date", "software_title_id", "metric_name")
    )
    catalog = _catalog()
    return [
        {
            "period_start": g["reporting_period_start_date"].isoformat(),
            "period_end": g["period_end"].isoformat(),
            **_product(catalog, g["source_id"], g["software_title_id"]),
            "metric": g["metric_name"],
            "peak": peak_number(g["peak"]),
            "systems": g["systems"],
        }
        for g in groups
    ]


def bigfix_product_peaks(series):
    """Per product and metric: the highest period, the latest period and how many periods."""
    peaks = {}
    for row in series:  # ordered by period, so the last row seen is the latest period
        key = (row["source_id"], row["software_title_id"], row["metric"])
        p = peaks.get(key)
        if p is None:
            peaks[key] = p = {k: row[k] for k in ("product", "publisher", "source_id", "software_title_id", "metric")}
            p.update(periods=0, peak=row["peak"], peak_period=row["period_start"], systems=0)
        p["periods"] += 1
        p["systems"] = max(p["systems"], row["systems"])
        if row["peak"] > p["peak"]:
            p["peak"], p["peak_period"] = row["peak"], row["period_start"]
        p["latest_period"], p["latest"] = row["period_start"], row["peak"]
    order = {m: i for i, m in enumerate(METRIC_ORDER)}
    return sorted(peaks.values(), key=lambda p: (p["product"], order.get(p["metric"], len(order)), p["metric"]))


def bigfix_top_products(peaks, metric, limit=TOP_PRODUCTS):
    """The products with the highest peak of one metric, highest first."""
    top = sorted((p for p in peaks if p["metric"] == metric), key=lambda p: (-p["peak"], p["product"]))[:limit]
    return [{"rank": i, **p} for i, p in enumerate(top, 1)]


@cached(by_kind("bigfix"))
def bigfix_systems(period, metric):
    """Per computer system: how many products, and the sum of their peaks in its latest period."""
    usages = _in_period(BigfixUsage.objects.filter(metric_name=metric), period)
    groups = (
        usages.values("source_id", "computer_system_id", "reporting_period_start_date")
        .annotate(total=Sum("peak_value"), products=Count("software_title_id"))
        .order_by("source_id", "computer_system_id", "reporting_period_start_date")
    )
    systems = {}
    for g in groups:
        s = systems.setdefault((g["source_id"], g["computer_system_id"]), {"periods": 0, "highest": 0})
        s.update(
            source_id=g["source_id"],
            computer_system_id=g["computer_system_id"],
            metric=metric,
            latest_period=g["reporting_period_start_date"].isoformat(),
            latest=peak_number(g["total"]),
            products=g["products"],
        )
        s["periods"] += 1
        s["highest"] = max(s["highest"], peak_number(g["total"]))
    return list(systems.values())


def _peak_when(usage):
    """The vendor's date of the peak (its calendar date, blank if none yet) and its instant where present."""
    return {"peak_date": usage.peak_date.isoformat() if usage.peak_date else "", "peak_time": usage.peak_time}


@cached(lambda source_id, *args, **kwargs: {"pk": source_id})
def bigfix_product_systems(source_id, product_id, period, metric):
    """One product's peaks per reporting period and computer system."""
    usages = _in_period(
        BigfixUsage.objects.filter(source_id=source_id, software_title_id=product_id, metric_name=metric), period
    ).order_by("reporting_period_start_date", "computer_system_id")
    return [
        {
            "period_start": u.reporting_period_start_date.isoformat(),
            "period_end": u.reporting_period_end_date.isoformat(),
            "computer_system_id": u.computer_system_id,
            "metric": u.metric_name,
            "peak": peak_number(u.peak_value),
            **_peak_when(u),
            "fetched_at": u.fetched_at,
        }
        for u in usages
    ]


@cached(lambda source_id, *args, **kwargs: {"pk": source_id})
def bigfix_system_products(source_id, system_id, period, metric):
    """One computer system's peaks per reporting period and product."""
    usages = _in_period(
        BigfixUsage.objects.filter(source_id=source_id, computer_system_id=system_id, metric_name=metric), period
    ).order_by("reporting_period_start_date", "software_title_id")
    catalog = _catalog()
    return [
        {
            "period_start": u.reporting_period_start_date.isoformat(),
            "period_end": u.reporting_period_end_date.isoformat(),
            **_product(catalog, source_id, u.software_title_id),
            "metric": u.metric_name,
            "peak": peak_number(u.peak_value),
            **_peak_when(u),
        }
        for u in usages
    ]


def bigfix_system_exists(source_id, system_id):
    return BigfixUsage.objects.filter(source_id=source_id, computer_system_id=system_id).exists()


@cached(by_kind("bigfix"))
def bigfix_home():
    """The overview card: the top products by the first metric over the stored history."""
    metrics = bigfix_metrics()
    if not metrics:
        return {}
    peaks = bigfix_product_peaks(bigfix_product_series(Period(date.min, date.max, "month"), metrics[0]))
    return {"metric": metrics[0], "top": bigfix_top_products(peaks, metrics[0], limit=5)}


SERIES_COLUMNS = [
    Pair("period_start", "Period start", "date"), Pair("period_end", "Period end", "date"), ("product", "Product"),
    ("publisher", "Publisher"), ("metric", "Metric"), ("peak", "Peak (sum over systems)"),
    ("systems", "Computer systems"),
]  # fmt: skip
PEAK_COLUMNS = [
    ("product", "Product"), ("publisher", "Publisher"), ("metric", "Metric"), ("peak", "Peak"),
    Pair("peak_period", "Peak period", "date"), ("latest", "Latest"), Pair("latest_period", "Latest period", "date"),
    ("periods", "Periods"), ("systems", "Computer systems (max)"),
]  # fmt: skip
TOP_COLUMNS = [("rank", "Rank"), ("product", "Product"), ("publisher", "Publisher"), ("metric", "Metric"),
               ("peak", "Peak"), Pair("peak_period", "Peak period", "date")]  # fmt: skip
SYSTEM_COLUMNS = [
    Pair("computer_system_id", "Computer system", "id"), ("metric", "Metric"), ("products", "Products (latest period)"),
    ("latest", "Latest period sum"), Pair("latest_period", "Latest period", "date"), ("highest", "Highest period sum"),
    ("periods", "Periods"),
]  # fmt: skip
PRODUCT_SYSTEM_COLUMNS = [
    Pair("period_start", "Period start", "date"), Pair("period_end", "Period end", "date"), Pair("computer_system_id", "Computer system", "id"),
    ("metric", "Metric"), ("peak", "Peak"), Pair("peak_date", "Peak date", "date"), ("peak_time", "Peak time"), ("fetched_at", "Last fetched"),
]  # fmt: skip
SYSTEM_PRODUCT_COLUMNS = [
    Pair("period_start", "Period start", "date"), Pair("period_end", "Period end", "date"), ("product", "Product"),
    ("publisher", "Publisher"), ("metric", "Metric"), ("peak", "Peak"), Pair("peak_date", "Peak date", "date"),
    ("peak_time", "Peak time"),
]  # fmt: skip


@cached(by_kind("bigfix"))
def licensed_things(period):
    """Every product and metric for the overview: the peak (sum over systems) per reporting period.

    BigFix knows neither owned seats nor denials, nor hours: right-sizing does not apply.
    """
    from reports.overview.things import LicensedThing, link

    things, ends = {}, {}
    for row in bigfix_product_series(period):
        key = f"{row['source_id']}:{row['software_title_id']}:{row['metric']}"
        thing = things.get(key)
        if thing is None:
            things[key] = thing = LicensedThing(
                kind="bigfix", key=key, name=row["product"], source_id=row["source_id"],
                detail=row["metric"], url=link("reports:bigfix_product", row["source_id"], row["software_title_id"],
                                               metric=row["metric"], start=period.start, end=period.end),
            )  # fmt: skip
        thing.trend.append(row["peak"])
        ends[key] = date.fromisoformat(row["period_end"])  # rows come by period: the last one's end
    for key, thing in things.items():
        thing.trend = Trend(thing.trend, ends=ends[key])
        thing.peak = max(thing.trend)
        thing.average = round(sum(thing.trend) / len(thing.trend), 2)
    return sorted(things.values(), key=lambda t: (t.name, t.detail))


@cached(by_kind("bigfix"))
def weekly_peaks(windows, keys):
    """{"source:product:metric": the peak of each window, None where none} of the products and metrics `keys` name.

    For the forecast (reports/overview/forecast.py). BigFix reports a peak per reporting period (a month), the sum
    of its systems' peaks; a period's peak counts in the window of its last day that has data (the period's end,
    or the last day imported while the period is still open), so each month gives one point of the trend.
    """
    from reports.overview.forecast import peaks_by_week

    first = timezone.localtime(windows[0][0]).date()
    today = timezone.localtime(windows[-1][1]).date() - timedelta(days=1)
    wanted, points = set(keys), {}
    latest = bigfix_latest_day()
    for row in bigfix_product_series(Period(first, today, "day")):
        key = f"{row['source_id']}:{row['software_title_id']}:{row['metric']}"
        if key in wanted:
            day = min(date.fromisoformat(row["period_end"]), latest, today)
            points.setdefault(key, []).append((day, row["peak"]))
    return {key: peaks_by_week(p, windows) for key, p in points.items()}


def licensed_keys():
    """The key of every product and metric stored, as `licensed_things` gives them."""
    rows = BigfixUsage.objects.values_list("source_id", "software_title_id", "metric_name").distinct()
    return {f"{source}:{title}:{metric}" for source, title, metric in rows.order_by()}


def unit_of(key):
    """A BigFix thing is counted in its metric's unit (its key ends with the metric: PVU_SUBCAPACITY -> PVU)."""
    metric = key.rsplit(":", 1)[-1]
    return metric.split("_", 1)[0] or "units"
