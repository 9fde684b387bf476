"""The fetch lock: one conditional UPDATE on the source row, kept alive by a heartbeat.

A fetch holds its source while `Source.locked_at` is the time it took the lock (its token). It proves it is
alive by moving `Source.heartbeat_at`: in the transaction of every page it commits (so a page is only ever
stored by the fetch that holds the lock) and, from a small thread, every FETCH_HEARTBEAT_INTERVAL seconds in
between (a slow upstream answer is no sign of death). A killed process beats no more: once its heartbeat is
older than FETCH_HEARTBEAT_TIMEOUT seconds its lock is dead, and the next fetch takes it over.
"""

import logging
import threading

from django.conf import settings
from django.db import connection, connections
from django.db.models import Q
from django.utils import timezone

from ingest.errors import FetchError
from ingest.models import Source

log = logging.getLogger(__name__)


class LockLost(FetchError):
    """Another fetch took this source over, having heard no heartbeat for too long."""


class FetchLock:
    """A held lock on one source; `taken_over` holds the dead holder's (locked_at, heartbeat_at), if any."""

    def __init__(self, source, token, taken_over=None):
        self.source = source
        self.token = token
        self.taken_over = taken_over
        self._pulse = None

    @classmethod
    def acquire(cls, source):
        """The lock if the source is free or its holder is dead, else None (one compare-and-swap UPDATE)."""
        now = timezone.now()
        held = Source.objects.filter(pk=source.pk).values_list("locked_at", "heartbeat_at").first()
        if held is None:
            return None
        locked_at, heartbeat_at = held
        if locked_at is not None and not source.lock_is_dead(locked_at, heartbeat_at, now):
            return None
        same = Q(locked_at__isnull=True) if locked_at is None else Q(locked_at=locked_at)
        if not Source.objects.filter(same, pk=source.pk).update(locked_at=now, heartbeat_at=now):
            return None  # another fetch took it between our read and our write
        return cls(source, now, taken_over=held if locked_at is not None else None)

    def beat(self):
        """Say this fetch is alive; False if the lock is no longer ours."""
        return bool(Source.objects.filter(pk=self.source.pk, locked_at=self.token).update(heartbeat_at=timezone.now()))

    def hold(self):
        """Beat, or raise LockLost: called inside each page's transaction, so a lost lock stores nothing."""
        if not self.beat():
            raise LockLost(
                "another fetch took this source over after hearing no heartbeat from this one for "
                f"{settings.FETCH_HEARTBEAT_TIMEOUT} s; this page was not stored"
            )

    def release(self):
        self.stop_pulse()
        Source.objects.filter(pk=self.source.pk, locked_at=self.token).update(locked_at=None, heartbeat_at=None)

    def start_pulse(self):
        """Beat from a thread while the fetch waits on upstream servers.

        Not inside an open transaction (a test's): the thread's own connection could not see the source row,
        or would wait for its lock; the pages' heartbeats still beat there.
        """
        if connection.in_atomic_block:
            return
        self._pulse = Pulse(self)
        self._pulse.start()

    def stop_pulse(self):
        if self._pulse is not None:
            self._pulse.stop()
            self._pulse = None


class Pulse(threading.Thread):
    def __init__(self, lock):
        super().__init__(name=f"heartbeat of source {lock.source.pk}", daemon=True)
        self.lock = lock
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(settings.FETCH_HEARTBEAT_INTERVAL):
                try:
                    if not self.lock.beat():
                        log.warning("The fetch of %s lost its lock to another fetch", self.lock.source.name)
                        return
                except Exception:  # a busy database: the next beat, or the next page, tries again
                    log.warning("The heartbeat of the fetch of %s failed", self.lock.source.name, exc_info=True)
        finally:
            connections.close_all()  # this thread's connections only

    def stop(self):
        self.stopped.set()
        self.join()
