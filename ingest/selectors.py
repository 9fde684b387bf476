"""Reads about sources and their runs, for the Sources page and the overview."""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
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
    """Every source with its last run, its last success and whether it is stale: two queries, however many sources."""
    now = timezone.now()
    runs = IngestRun.objects.filter(source=OuterRef("pk"))
    sources = list(
        Source.objects.annotate(
            last_run_pk=Subquery(runs.order_by("-started_at", "-pk").values("pk")[:1]),
            last_success_pk=Subquery(
                runs.filter(status=IngestRun.Status.SUCCEEDED).order_by("-finished_at", "-pk").values("pk")[:1]
            ),
        )
    )
    wanted = {pk for source in sources for pk in (source.last_run_pk, source.last_success_pk) if pk is not None}
    by_pk = IngestRun.objects.in_bulk(wanted) if wanted else {}
    statuses = []
    for source in sources:
        success = by_pk.get(source.last_success_pk)
        statuses.append(
            SourceStatus(
                source=source,
                last_run=by_pk.get(source.last_run_pk),
                last_success=success,
                stale=source.enabled and source.is_stale(now, last_success=success),
            )
        )
    return statuses
