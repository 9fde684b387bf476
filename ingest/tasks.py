"""django-q2 tasks: thin wrappers that load by id and call the service."""

from django_q.tasks import async_task

from ingest.models import Source
from ingest.services import run_fetch


def fetch_source(source_id, trigger="schedule"):
    source = Source.objects.filter(pk=source_id, enabled=True).first()
    if source is None:
        return "source gone or disabled"
    run = run_fetch(source, trigger=trigger)
    return f"{source.name}: {run.status} ({run.records_fetched} fetched)"


def enqueue_fetch(source):
    """Ask the worker to fetch this source now."""
    return async_task("ingest.tasks.fetch_source", source.pk, "manual", task_name=f"fetch {source.name}"[:100])
