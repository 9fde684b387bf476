"""django-q2 tasks: thin wrappers that load by id and call the service."""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
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


class FetchRefused(Exception):
    """A "Fetch now" that is not queued, and why (shown to the admin who asked)."""


def request_fetch(source):
    """Queue a manual fetch of `source`, or raise FetchRefused: it is disabled, running, or was just queued.

    At most one manual fetch per source is queued in FETCH_NOW_INTERVAL seconds: `cache.add` is atomic, so
    thirty clicks queue one fetch (per process with the default cache; across processes with REDIS_URL).
    """
    if not source.enabled:
        raise FetchRefused(f"{source.name} is disabled: enable it in the admin to fetch it.")
    now = timezone.now()
    if source.locked_at and not source.lock_is_dead(now=now):
        raise FetchRefused(
            f"A fetch of {source.name} has been running since {timezone.localtime(source.locked_at):%H:%M:%S}; "
            "wait for it to finish."
        )
    interval = settings.FETCH_NOW_INTERVAL
    if not cache.add(f"fetch-now:{source.pk}", now.timestamp(), timeout=interval):
        queued = cache.get(f"fetch-now:{source.pk}", now.timestamp())
        wait = max(1, round(interval - (now.timestamp() - queued)))
        raise FetchRefused(f"A fetch of {source.name} was queued moments ago; try again in {wait} seconds.")
    return enqueue_fetch(source)
