"""Reads about sources and their runs, for the Sources page and the overview."""

from dataclasses import dataclass

from django.utils import timezone

from ingest.models import IngestRun, Source


@dataclass
class SourceStatus:
    source: Source
    last_run: IngestRun | None
    last_success: IngestRun | None
    stale: bool

    @property
    def last_error(self):
        shown = {IngestRun.Status.FAILED, IngestRun.Status.INTERRUPTED}
        return self.last_run.error if self.last_run and self.last_run.status in shown else ""


def source_statuses():
    now = timezone.now()
    statuses = []
    for source in Source.objects.all():
        statuses.append(
            SourceStatus(
                source=source,
                last_run=source.last_run,
                last_success=source.last_success,
                stale=source.enabled and source.is_stale(now),
            )
        )
    return statuses
