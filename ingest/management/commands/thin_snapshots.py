from django.core.management.base import BaseCommand, CommandError

from ingest.vendors.lstat.models import LstatSnapshot
from ingest.vendors.lstat.retention import retention_days, thin_snapshots


class Command(BaseCommand):
    help = (
        "Thin License Statistics snapshots: keep every one for LSTAT_SNAPSHOT_KEEP_ALL_DAYS, then the latest of "
        "each UTC hour until LSTAT_SNAPSHOT_KEEP_HOURLY_DAYS, then the latest of each day (in TIME_ZONE); the "
        "latest of each source and kind always. A daily schedule runs it too."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")

    def handle(self, *args, dry_run=False, **opts):
        try:
            keep_all, keep_hourly = retention_days()
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        counts = thin_snapshots(dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"Keeping every snapshot of the last {keep_all} days, hourly ones to {keep_hourly} days:")
        for kind, label in LstatSnapshot.Kind.choices:
            self.stdout.write(f"  {label}: {verb} {counts[kind]} snapshot(s)")
