import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ingest.models import IngestRun, Source
from ingest.services import run_fetch
from ingest.transport import run_time_limit


class Command(BaseCommand):
    help = (
        "Fetch now, in the foreground: the named sources, or every enabled one. Each fetch may run "
        "FETCH_TIMEOUT seconds, as in the worker; one that runs longer fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", metavar="NAME")

    def handle(self, *args, names, **opts):
        sources = list(Source.objects.filter(name__in=names) if names else Source.objects.filter(enabled=True))
        missing = sorted(set(names) - {s.name for s in sources})
        if missing:
            raise CommandError(f"no source named {', '.join(missing)}")
        if not sources:
            raise CommandError("no enabled sources: add one with `manage.py add_source`")
        failed, limit = 0, settings.FETCH_TIMEOUT
        for source in sources:
            with (
                tqdm(desc=source.name, unit=" records", file=sys.stderr, disable=not sys.stderr.isatty()) as bar,
                run_time_limit(limit, f"stopped: the fetch ran longer than FETCH_TIMEOUT ({limit} s)"),
            ):
                run = run_fetch(source, trigger="command", progress=lambda page: bar.update(page.fetched))
            self.stdout.write(summary(run))
            failed += run.status != IngestRun.Status.SUCCEEDED
        if failed:
            raise CommandError(f"{failed} of {len(sources)} source(s) failed", returncode=1)


def summary(run):
    seconds = run.duration.total_seconds() if run.duration else 0
    line = (
        f"{run.source.name}: {run.status}, {run.records_fetched} fetched, {run.records_created} new, "
        f"{run.records_updated} updated in {seconds:.1f}s"
    )
    line = f"{line}: {run.error}" if run.error else line
    return "\n".join([line] + [f"  warning: {warning}" for warning in run.warnings])
