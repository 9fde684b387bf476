"""Chart data cached per source: the same view for the next user costs a cache read.

A cached selector's key holds the selector (and a digest of its module's code, so a new release never reads
an old release's rows), its arguments, the display time zone and the data version of every source it reads.
`Source.data_version` is bumped in the same transaction as each fetched page that stores rows, and by an
admin's edit of a supervisor, server, feature or product name (ingest/signals.py): a fetch that commits new
rows makes the next request read the database again, in every process, and a fetch that stores nothing
leaves the cache as it was. The version is read from the database on each call (one small query), never
kept in a process.

The cache is Django's "charts" cache: local memory per process by default, Redis shared by every process when
REDIS_URL is set. CHART_CACHE_SECONDS=0 turns caching off; results larger than CHART_CACHE_MAX_BYTES are not kept.
Only data that is the same for every user is cached here: selectors' rows, never per-user things (rendered pages are
kept per audience by reports/page_cache.py, each user's own name and CSRF token put in on each answer).
"""

import functools
import hashlib
import pickle
import sys
from dataclasses import astuple, is_dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.core.cache import caches
from django.db.models import Model
from django.utils import timezone

from ingest.models import Source

PREFIX = "chart:"


def cached(sources, *, moving=False):
    """Cache a selector's result until the data of its sources changes.

    `sources(*args, **kwargs)` names the sources the selector reads as a Source filter: {"pk": source_id},
    {"pk__in": [...]}, or {"kind": kind} for a selector that reads every source of a kind (a new or deleted
    source of that kind changes the key too). `moving`: the result also depends on the clock (a metering
    location still active counts up to now), so while its period reaches past now it is kept for the current
    window of CHART_CACHE_MOVING_SECONDS only (the window is part of the key, whatever the cache's own clock).
    """

    def decorate(selector):
        @functools.wraps(selector)
        def wrapper(*args, **kwargs):
            seconds, window = settings.CHART_CACHE_SECONDS, None
            if moving and _reaches_now(args, kwargs):
                seconds = min(seconds, settings.CHART_CACHE_MOVING_SECONDS)
                window = int(timezone.now().timestamp() // seconds) if seconds > 0 else None
            if seconds <= 0:
                return selector(*args, **kwargs)
            key = chart_key(selector, sources(*args, **kwargs), args, kwargs, window)
            blob = caches["charts"].get(key)
            if blob is not None:
                return pickle.loads(blob)
            value = selector(*args, **kwargs)
            blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            if len(blob) <= settings.CHART_CACHE_MAX_BYTES:
                caches["charts"].set(key, blob, seconds)
            return value

        wrapper.uncached = selector
        return wrapper

    return decorate


def by_kind(kind):
    """The `sources` of a selector that reads every source of one kind."""
    return lambda *args, **kwargs: {"kind": kind}


def chart_key(selector, source_filter, args, kwargs, window=None):
    versions = Source.objects.filter(**source_filter).order_by("pk").values_list("pk", "created_at", "data_version")
    parts = (
        selector.__module__,
        selector.__qualname__,
        _release(selector.__module__),
        timezone.get_current_timezone_name(),
        tuple(versions),
        _part(args),
        _part(kwargs),
        window,
    )
    return PREFIX + hashlib.sha256(repr(parts).encode()).hexdigest()


def _part(value):
    """A stable, comparable stand-in for one argument: a row by its model and pk, a Period by its fields."""
    if value is None or isinstance(value, str | int | float | Decimal | date | datetime | time):
        return value  # (bool is an int)
    if isinstance(value, Model):
        return (value._meta.label, value.pk)
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__qualname__, _part(astuple(value)))
    if isinstance(value, dict):
        return tuple(sorted((str(k), _part(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_part(v) for v in value)
    if isinstance(value, set | frozenset):
        return tuple(sorted((_part(v) for v in value), key=repr))
    raise TypeError(f"a cached selector cannot be keyed on a {type(value).__name__}")


@functools.cache
def _release(module):
    """A digest of the module's code: rows cached by another release of it are never read."""
    path = getattr(sys.modules[module], "__file__", None)
    if not path:
        return ""
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def _reaches_now(args, kwargs):
    """Whether a period among the arguments ends after now."""
    now = timezone.now()
    ends = (getattr(value, "end_dt", None) for value in (*args, *kwargs.values()))
    return any(isinstance(end, datetime) and end > now for end in ends)
