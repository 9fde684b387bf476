from django.core.management.base import BaseCommand

from reports.overview.summaries import rebuild_all, zone_name


class Command(BaseCommand):
    help = (
        "Rebuild the overview's day summaries of every source whose vendor keeps them, from the stored rows, in the "
        "display zone (TIME_ZONE). Run it after changing TIME_ZONE: until then, or until the next fetch of a source "
        "stores a page, the overview reads that source's rows at each first view. Fetches keep them up to date."
    )

    def handle(self, *args, **opts):
        done = rebuild_all(log_line=self.stdout.write)
        total = sum(stored for _source, stored in done)
        self.stdout.write(f"{total:,} day summaries of {len(done)} source(s) rebuilt in {zone_name()}.")
