"""Rate limits counted in the database, shared by every process: a row per key, bumped with one atomic UPDATE.

`hit(key, window)` counts one more in the key's current window and says how many there were and when the window
ends; `peek(key)` only reads; `clear(key)` forgets. A window starts with its first hit (`aligned=False`: a login's
failures) or on a multiple of its length (`aligned=True`: an API token's requests per minute).
"""

import math
import re
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from reports.limits.models import RateCount

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(second|minute|hour|day)\s*$")
SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
UNITS = {seconds: unit for unit, seconds in SECONDS.items()}


def parse_rate(name, value):
    """(requests, seconds) of a rate setting such as "120/minute"; ImproperlyConfigured naming the setting."""
    match = _RATE.match(str(value))
    if not match:
        raise ImproperlyConfigured(f"{name} must look like 120/minute (per second, minute, hour or day), not {value!r}")
    return int(match[1]), SECONDS[match[2]]


def hit(key, window, *, aligned=False, now=None):
    """Count one for `key`: (the count in its window, this one included; seconds until the window ends)."""
    now = now or timezone.now()
    ends = _window_end(now, window) if aligned else now + timedelta(seconds=window)
    for _attempt in range(3):  # a concurrent first hit or reset makes us go round once more
        with transaction.atomic():
            if RateCount.objects.filter(key=key, ends_at__gt=now).update(count=F("count") + 1):
                break
            if RateCount.objects.filter(key=key, ends_at__lte=now).update(count=1, ends_at=ends):  # a new window
                break
            try:
                with transaction.atomic():
                    RateCount.objects.create(key=key, count=1, ends_at=ends)
                RateCount.objects.filter(ends_at__lt=now - timedelta(days=1)).delete()  # old keys, now and then
                break
            except IntegrityError:
                continue
    count, ends = RateCount.objects.filter(key=key).values_list("count", "ends_at").first() or (1, ends)
    return count, _seconds_until(ends, now)


def peek(key, *, now=None):
    """(the count of `key` in its current window, seconds until it ends); (0, 0) when it has none."""
    now = now or timezone.now()
    found = RateCount.objects.filter(key=key, ends_at__gt=now).values_list("count", "ends_at").first()
    return (found[0], _seconds_until(found[1], now)) if found else (0, 0)


def clear(key):
    RateCount.objects.filter(key=key).delete()


def throttled(key, rate_setting, rate):
    """Seconds to wait when `key` has used up `rate` ("10/minute") in its window, else 0; the request counts."""
    limit, window = parse_rate(rate_setting, rate)
    count, remaining = hit(key, window, aligned=True)
    return max(1, remaining) if count > limit else 0


def _window_end(now, window):
    epoch = now.timestamp()
    return datetime.fromtimestamp((epoch // window + 1) * window, tz=UTC)


def _seconds_until(ends, now):
    return max(0, math.ceil((ends - now).total_seconds()))
