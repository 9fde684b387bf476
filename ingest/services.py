"""Writes: register sources, run fetches, keep their schedules."""

import logging

from django.utils import timezone
from django_q.models import Schedule

from ingest.errors import FetchError, active_secrets, redact
from ingest.lock import FetchLock
from ingest.models import Cursor, IngestRun, Source
from ingest.signals import fetch_finished
from ingest.vendors import connector_class
from ingest.vendors.base import RunContext

log = logging.getLogger(__name__)


def source_save(
    *,
    kind,
    name,
    base_url,
    username=None,
    password=None,
    token=None,
    params=None,
    pk=None,
    clear_credentials=False,
    **fields,
):
    """Create the source NAME (or update it, or the source PK when the admin renames one) and return it.

    Used by `add_source` and the admin alike. Credentials left as None or blank keep their stored value,
    unless the source now points at another server: a new base URL or kind forgets the stored password and
    token (they are not sent to a server they were not given for), so they must be given again.
    `clear_credentials` forgets them in any case.
    """
    cls = connector_class(kind)
    cleaned = cls.clean_params(params or {})
    existing = Source.objects.filter(pk=pk) if pk else Source.objects.filter(name=name)
    source = existing.first() or Source(name=name)
    forgotten = []
    if source.pk and source.points_elsewhere(kind=kind, base_url=base_url):
        forgotten = [
            field for field, given in (("password", password), ("token", token)) if getattr(source, field) and not given
        ]
        source.forget_credentials()
    if clear_credentials:
        source.forget_credentials()
    source.name = name
    source.kind = kind
    source.base_url = base_url
    source.params = cleaned
    for attr, value in {"username": username, "password": password or None, "token": token or None, **fields}.items():
        if value is not None:
            setattr(source, attr, value)
    source.full_clean()
    source.save()
    source.forgotten_credentials = forgotten  # what add_source and the admin tell their user to give again
    sync_schedules()
    return source


def run_fetch(source, *, trigger="schedule", progress=None):
    """Fetch one source now and return its run record.

    A conditional UPDATE on the source row is the lock, so two fetches of the same source never overlap on any
    database or any number of workers, however long one runs: its heartbeat keeps it alive (ingest/lock.py).
    A lock whose holder died is taken over, and the run it left "running" is marked interrupted.
    """
    lock = FetchLock.acquire(source)
    if lock is None:
        return _skipped(source, trigger)
    secrets = active_secrets.set(list(source.secrets()))
    try:
        interrupted = _interrupt_abandoned(source, lock)
        lock.start_pulse()
        return _run(source, trigger, progress, lock, interrupted)
    finally:
        lock.release()
        active_secrets.reset(secrets)


def _skipped(source, trigger):
    locked_at, heartbeat_at = Source.objects.filter(pk=source.pk).values_list("locked_at", "heartbeat_at").first()
    alive = f", last heartbeat {heartbeat_at:%H:%M:%S} UTC" if heartbeat_at else ""
    return IngestRun.objects.create(
        source=source,
        trigger=trigger,
        status=IngestRun.Status.SKIPPED,
        finished_at=timezone.now(),
        error=f"Skipped: already running: another fetch of this source has been running since "
        f"{locked_at:%Y-%m-%d %H:%M:%S} UTC{alive}.",
    )


def _interrupt_abandoned(source, lock):
    """Mark the runs a dead fetch left "running" as interrupted; this fetch goes on from their cursors.

    Only the holder of the lock is ever running, so under our lock any other running run is abandoned.
    """
    cursors = _cursors(source)
    at = ", ".join(f"{key}={value}" for key, value in sorted(cursors.items())) or "the start (none committed)"
    last_sign = (lock.taken_over[1] or lock.taken_over[0]) if lock.taken_over else lock.token
    abandoned = list(source.runs.filter(status=IngestRun.Status.RUNNING))
    for run in abandoned:
        run.status = IngestRun.Status.INTERRUPTED
        run.finished_at = max(last_sign, run.started_at)
        run.cursor_after = cursors
        run.error = redact(
            "interrupted: the fetch stopped without finishing (killed or timed out); its last sign of life was "
            f"at {last_sign:%Y-%m-%d %H:%M:%S} UTC; resumed from the committed cursor at {at} by the fetch "
            f"started {lock.token:%Y-%m-%d %H:%M:%S} UTC"
        )
        run.save(update_fields=["status", "finished_at", "cursor_after", "error"])
        log.warning("Fetch of %s: %s", source.name, run.error)
    return abandoned


def _run(source, trigger, progress, lock, interrupted):
    details = {}
    if interrupted:
        started = ", ".join(f"{r.started_at:%Y-%m-%d %H:%M:%S}" for r in interrupted)
        details["resumed"] = f"from the committed cursor of the interrupted fetch started {started} UTC"
    run = IngestRun.objects.create(
        source=source, trigger=trigger, cursor_before=_cursors(source), started_at=lock.token, details=details
    )
    try:
        connector = connector_class(source.kind)(source, RunContext(source, run, progress, lock=lock))
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


def check_connection(source):
    """The connection test of a source: (ok, message). Logs in and reads one small page; stores nothing.

    The message says what was found, or what failed and which setting to check, with every secret redacted."""
    from ingest.vendors.base import ProbeRun

    secrets = active_secrets.set(list(source.secrets()))
    try:
        run = ProbeRun()
        found = connector_class(source.kind)(source, run).probe()
        return True, redact("; ".join([found, *run.warnings]))
    except (FetchError, ValueError) as exc:
        return False, redact(exc)
    except Exception as exc:  # a bug of ours: say so, log the traceback
        log.exception("Connection test of %s failed unexpectedly", source.name)
        return False, redact(f"Unexpected error: {type(exc).__name__}: {exc}")
    finally:
        active_secrets.reset(secrets)
