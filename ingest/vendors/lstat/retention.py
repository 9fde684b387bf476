"""Thinning License Statistics snapshots, so that the table does not grow without bound.

A source is snapshotted every fetch (about 96 times a day per kind at 15 minutes). Per source and kind:
- every snapshot younger than LSTAT_SNAPSHOT_KEEP_ALL_DAYS is kept;
- then, until LSTAT_SNAPSHOT_KEEP_HOURLY_DAYS, the latest snapshot of each UTC hour;
- older than that, the latest snapshot of each day in the display zone (TIME_ZONE), the days the history
  picker shows.
The latest snapshot of a source and kind is always kept (the "now" the current-users pages show), however
old: it is the latest of its hour or day. Keeping the latest of each hour or day also keeps a run's users,
current-usage and highest-usage snapshots (taken at one moment) together, as the users page pairs them,
unless one of them failed in that run. Deletes go in batches, each its own transaction, so
thinning never holds a long lock; a thinning stopped halfway is finished by the next.
"""

from datetime import UTC, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ingest.vendors.lstat.models import LstatSnapshot

BATCH_SIZE = 500  # snapshots (with their rows) deleted per transaction


def retention_days():
    """(keep all, keep hourly) in days, from the settings; ValueError when they make no sense."""
    keep_all, keep_hourly = settings.LSTAT_SNAPSHOT_KEEP_ALL_DAYS, settings.LSTAT_SNAPSHOT_KEEP_HOURLY_DAYS
    if not 0 <= keep_all <= keep_hourly:
        raise ValueError(
            f"LSTAT_SNAPSHOT_KEEP_ALL_DAYS ({keep_all}) must be at least 0 and at most "
            f"LSTAT_SNAPSHOT_KEEP_HOURLY_DAYS ({keep_hourly})"
        )
    return keep_all, keep_hourly


def snapshots_to_thin(now=None):
    """{kind: [snapshot id, ...]} of the snapshots the rules above drop."""
    keep_all, keep_hourly = retention_days()
    now = now or timezone.now()
    all_since, hourly_since = now - timedelta(days=keep_all), now - timedelta(days=keep_hourly)
    drop = {kind: [] for kind in LstatSnapshot.Kind.values}
    kept = {}  # (source, kind, bucket) -> the id of the latest snapshot seen in it so far
    older = LstatSnapshot.objects.filter(taken_at__lt=all_since).order_by("taken_at")
    for source, kind, pk, taken_at in older.values_list("source", "kind", "pk", "taken_at").iterator():
        bucket = _bucket(taken_at, hourly_since)
        earlier = kept.get((source, kind, bucket))
        if earlier is not None:
            drop[kind].append(earlier)  # a later one of its hour (or day) came
        kept[(source, kind, bucket)] = pk
    return drop  # the latest of a source and kind is last in its bucket: never dropped


def _bucket(taken_at, hourly_since):
    if taken_at >= hourly_since:
        return ("hour", taken_at.replace(minute=0, second=0, microsecond=0).astimezone(UTC))
    return ("day", timezone.localtime(taken_at).date())


def thin_snapshots(*, now=None, dry_run=False, batch_size=BATCH_SIZE):
    """Delete (or with `dry_run` only count) the snapshots the rules drop: {kind: how many}."""
    doomed = snapshots_to_thin(now)
    if not dry_run:
        for ids in doomed.values():
            for start in range(0, len(ids), batch_size):
                with transaction.atomic():
                    LstatSnapshot.objects.filter(pk__in=ids[start : start + batch_size]).delete()
    return {kind: len(ids) for kind, ids in doomed.items()}


def thin_snapshots_task():
    """The daily django-q2 schedule's task (created by migration ingest 0016)."""
    counts = thin_snapshots()
    return "thinned License Statistics snapshots: " + ", ".join(f"{n} {kind}" for kind, n in counts.items())


# What `manage.py thin_snapshots` does for License Statistics (the vendor's `Vendor.thinning`).
THINNING_HELP = (
    "Thin License Statistics snapshots: keep every one for LSTAT_SNAPSHOT_KEEP_ALL_DAYS, then the latest of "
    "each UTC hour until LSTAT_SNAPSHOT_KEEP_HOURLY_DAYS, then the latest of each day (in TIME_ZONE); the "
    "latest of each source and kind always. A daily schedule runs it too."
)


def thinning_report(*, dry_run=False):
    """Thin (or with dry_run count) and say what was done, line by line; ValueError for settings that make no sense."""
    keep_all, keep_hourly = retention_days()
    counts = thin_snapshots(dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    lines = [f"Keeping every snapshot of the last {keep_all} days, hourly ones to {keep_hourly} days:"]
    lines += [f"  {label}: {verb} {counts[kind]} snapshot(s)" for kind, label in LstatSnapshot.Kind.choices]
    return lines
