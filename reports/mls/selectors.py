"""PipelineFX MLS supervisors: usage per bucket, read from the rollups."""

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from ingest.vendors.mls.models import MlsRollup, MlsSupervisor
from reports.periods import bucket_start

MLS_METRICS = ["used", "prepaid", "metered"]


def mls_supervisors():
    """Every supervisor with data: MAC, source, first and last day."""
    days = MlsRollup.objects.filter(supervisor=OuterRef("pk"), granularity="day").order_by()
    return (
        MlsSupervisor.objects.select_related("source")
        .annotate(
            first=Subquery(days.order_by("bucket").values("bucket")[:1]),
            last=Subquery(days.order_by("-bucket").values("bucket")[:1]),
        )
        .filter(last__isnull=False)
    )


def mls_supervisor(mac):
    return MlsSupervisor.objects.filter(macaddress=mac).select_related("source").first()


def mls_latest_day(supervisor):
    last = MlsRollup.objects.filter(supervisor=supervisor, granularity="day").aggregate(last=Max("bucket"))["last"]
    return timezone.localtime(last).date() if last else timezone.localdate()


def mls_usage(supervisor, period):
    """Rows of min/avg/max used, prepaid and metered licenses per bucket of the period."""
    stored = "hour" if period.granularity == "hour" else "day"
    rollups = (
        MlsRollup.objects.filter(
            supervisor=supervisor, granularity=stored, bucket__gte=period.start_dt, bucket__lt=period.end_dt
        )
        .order_by("bucket")
        .values()
    )
    buckets = {}
    for r in rollups.iterator(chunk_size=2000):
        key = bucket_start(r["bucket"], period.granularity)
        b = buckets.get(key)
        if b is None:
            buckets[key] = b = {"bucket": key, "samples": 0}
            for m in MLS_METRICS:
                b[f"{m}_min"], b[f"{m}_max"], b[f"{m}_sum"] = r[f"{m}_min"], r[f"{m}_max"], 0
        b["samples"] += r["samples"]
        for m in MLS_METRICS:
            b[f"{m}_min"] = min(b[f"{m}_min"], r[f"{m}_min"])
            b[f"{m}_max"] = max(b[f"{m}_max"], r[f"{m}_max"])
            b[f"{m}_sum"] += r[f"{m}_sum"]
    rows = []
    for b in buckets.values():
        row = {"bucket": b["bucket"], "samples": b["samples"]}
        for m in MLS_METRICS:
            row[f"{m}_min"] = b[f"{m}_min"]
            row[f"{m}_avg"] = round(b[f"{m}_sum"] / b["samples"], 2)
            row[f"{m}_max"] = b[f"{m}_max"]
        rows.append(row)
    return rows


def mls_summary(rows):
    """The period's peak and average, weighted by minutes."""
    if not rows:
        return None
    minutes = sum(r["samples"] for r in rows)
    summary = {"minutes": minutes}
    for m in MLS_METRICS:
        summary[f"{m}_peak"] = max(r[f"{m}_max"] for r in rows)
        summary[f"{m}_avg"] = round(sum(r[f"{m}_avg"] * r["samples"] for r in rows) / minutes, 2)
    return summary


MLS_COLUMNS = [
    ("bucket", "Period start"),
    ("samples", "Minutes"),
    ("used_min", "Used min"), ("used_avg", "Used avg"), ("used_max", "Used max"),
    ("prepaid_min", "Prepaid min"), ("prepaid_avg", "Prepaid avg"), ("prepaid_max", "Prepaid max"),
    ("metered_min", "Metered min"), ("metered_avg", "Metered avg"), ("metered_max", "Metered max"),
]  # fmt: skip
