"""Writes: register sources, run fetches, keep their schedules."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_q.models import Schedule

from ingest.errors import FetchError, active_secrets, redact
from ingest.models import Cursor, IngestRun, Source
from ingest.signals import fetch_finished
from ingest.vendors import connector_class
from ingest.vendors.base import RunContext

log = logging.getLogger(__name__)


def source_save(*, kind, name, base_url, username=None, password=None, token=None, params=None, **fields):
    """Create the source NAME or update it; credentials left as None keep their stored value.

    Unless the source still points at the same server: a new base URL or kind forgets the stored password
    and token (they are not sent to a server they were not given for), so they must be given again.
    """
    cls = connector_class(kind)
    cleaned = cls.clean_params(params or {})
    source = Source.objects.filter(name=name).first() or Source(name=name)
    forgotten = []
    if source.pk and source.points_elsewhere(kind=kind, base_url=base_url):
        forgotten = [
            name for name, given in (("password", password), ("token", token)) if getattr(source, name) and not given
        ]
        source.forget_credentials()
    source.kind = kind
    source.base_url = base_url
    source.params = cleaned
    for attr, value in {"username": username, "password": password, "token": token, **fields}.items():
        if value is not None:
            setattr(source, attr, value)
    source.full_clean()
    source.save()
    source.forgotten_credentials = forgotten  # what add_source tells its user to give again
    sync_schedules()
    return source


def _acquire(source, now):
    stale = now - timedelta(seconds=settings.FETCH_LOCK_TIMEOUT)
    free = Q(locked_at__isnull=True) | Q(locked_at__lt=stale)
    return Source.objects.filter(Q(pk=source.pk) & free).update(locked_at=now) == 1


def _release(source, locked_at):
    Source.objects.filter(pk=source.pk, locked_at=locked_at).update(locked_at=None)


def run_fetch(source, *, trigger="schedule", progress=None):
    """Fetch one source now and return its run record.

    A conditional UPDATE on the source row is the lock, so two fetches of the
    same source never overlap on any database or any number of workers.
    """
    now = timezone.now()
    if not _acquire(source, now):
        held = Source.objects.filter(pk=source.pk).values_list("locked_at", flat=True).first()
        return IngestRun.objects.create(
            source=source,
            trigger=trigger,
            status=IngestRun.Status.SKIPPED,
            finished_at=timezone.now(),
            error=f"Skipped: another fetch of this source has been running since {held:%Y-%m-%d %H:%M:%S} UTC.",
        )
    secrets = active_secrets.set(list(source.secrets()))
    try:
        return _run(source, trigger, progress, now)
    finally:
        _release(source, now)
        active_secrets.reset(secrets)


def _run(source, trigger, progress, started_at):
    run = IngestRun.objects.create(
        source=source, trigger=trigger, cursor_before=_cursors(source), started_at=started_at
    )
    try:
        connector = connector_class(source.kind)(source, RunContext(source, run, progress))
        connector.fetch()
        run.status = IngestRun.Status.SUCCEEDED
    except (FetchError, ValueError) as exc:
        run.status = IngestRun.Status.FAILED
        run.error = redact(exc)
        log.warning("Fetch of %s failed: %s", source.name, run.error)
    except Exception as exc:  # a bug of ours: keep the run honest, log the traceback
        run.status = IngestRun.Status.FAILED
        run.error = redact(f"Unexpected error: {type(exc).__name__}: {exc}")
        log.exception("Fetch of %s failed unexpectedly", source.name)
    finally:
        run.finished_at = timezone.now()
        run.cursor_after = _cursors(source)
        run.save()
    _announce(source, run)
    return run


def _announce(source, run):
    """Tell listeners (alerts) a run ended; their failures are logged, never the fetch's."""
    for receiver, result in fetch_finished.send_robust(sender=Source, source=source, run=run):
        if isinstance(result, Exception):
            log.error("After the fetch of %s, %s failed: %s", source.name, receiver, redact(result))


def _cursors(source):
    return dict(Cursor.objects.filter(source=source).values_list("key", "value"))


def schedule_name(source):
    return f"fetch source {source.pk}"


def sync_schedules():
    """One django-q2 schedule per enabled source at its interval; none for the others."""
    wanted = {schedule_name(s): s for s in Source.objects.filter(enabled=True)}
    Schedule.objects.filter(func="ingest.tasks.fetch_source").exclude(name__in=wanted).delete()
    for name, source in wanted.items():
        Schedule.objects.update_or_create(
            name=name,
            defaults={
                "func": "ingest.tasks.fetch_source",
                "args": repr(source.pk),
                "schedule_type": Schedule.MINUTES,
                "minutes": source.interval_minutes,
                "repeats": -1,
            },
        )
