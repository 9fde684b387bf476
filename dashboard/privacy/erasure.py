"""People's names in stored vendor rows: kept PERSONAL_DATA_DAYS, and erased on request (forget_person).

Either way a name is replaced by its pseudonym (dashboard/privacy/pseudonyms.py), so the rows keep their
counts, licenses and hours, reports keep adding them up, and a pseudonymised person stays one person.
Where names are stored is listed once, in STORED; the License Statistics answers kept raw (shapes it does
not document) are scrubbed of the values under their name keys.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Func, JSONField, Q, Value
from django.utils import timezone

from dashboard.privacy.pseudonyms import PATTERN, pseudonym
from ingest.models import Source
from ingest.vendors.lstat.models import LstatSession, LstatSnapshot, LstatTopUser
from ingest.vendors.metering.models import MeteringEvent, MeteringInterval

log = logging.getLogger(__name__)

# Keys of vendor answers kept raw whose values are user or host names.
RAW_NAME_KEYS = {"un": "user", "user": "user", "username": "user", "hn": "host", "host": "host", "hostname": "host"}


@dataclass(frozen=True)
class Stored:
    """A model whose rows name people: its name fields and their kinds, the field that dates a row (older
    than the cutoff: its names go), and the JSON field holding the vendor's record with the same names."""

    model: type
    names: dict
    age: str
    raw: dict = field(default_factory=dict)  # raw field's top-level key -> the name field it repeats


STORED = [
    Stored(LstatSession, {"user": "user", "host": "host"}, age="snapshot__taken_at"),
    Stored(LstatTopUser, {"user": "user"}, age="snapshot__taken_at"),
    Stored(MeteringEvent, {"user": "user"}, age="date", raw={"user": "user"}),
    Stored(MeteringInterval, {"user": "user"}, age="ended_at"),  # an interval still open is not old
]


def forget_old_personal_data(days=None, *, now=None):
    """Pseudonymise the names of rows older than `days` (PERSONAL_DATA_DAYS); {table: rows rewritten}."""
    days = settings.PERSONAL_DATA_DAYS if days is None else days
    if not days:
        return {}
    cutoff = (now or timezone.now()) - timedelta(days=days)
    counts = {}
    with transaction.atomic():
        for stored in STORED:
            rows = stored.model._base_manager.filter(**{f"{stored.age}__lt": cutoff})
            for name, kind in stored.names.items():
                _add(counts, stored, _rewrite(rows, stored, name, kind))
        old_raw = LstatSnapshot.objects.filter(taken_at__lt=cutoff, raw__isnull=False)
        _add(counts, LstatSnapshot, _scrub_snapshots(old_raw, lambda key, text: key.lower() in RAW_NAME_KEYS))
        _changed_data()
    if counts:
        log.info("Personal data older than %s days pseudonymised: %s", days, summary(counts))
        _audit("forgot old personal data", f"older than {days} days", counts)
    return counts


def forget_old_personal_data_task():
    """The daily schedule's task (made by the privacy app's migrations)."""
    return forget_old_personal_data()


def forget_person(name):
    """Replace a person's user name, and the host names of their sessions, by their pseudonyms in every stored
    row (whatever its age or case); returns (the user's pseudonym, {table: rows rewritten})."""
    name = name.strip()
    if not name:
        raise ValueError("give the user name of the person to forget")
    counts = {}
    with transaction.atomic():
        hosts = set(
            LstatSession.objects.filter(user__iexact=name).exclude(host="").values_list("host", flat=True).order_by()
        )
        for stored in STORED:
            rows = stored.model._base_manager.all()
            if "user" in stored.names:
                _add(counts, stored, _rewrite(rows.filter(user__iexact=name), stored, "user", "user"))
            if "host" in stored.names and hosts:
                matches = Q()
                for host in hosts:
                    matches |= Q(host__iexact=host)
                _add(counts, stored, _rewrite(rows.filter(matches), stored, "host", "host"))
        theirs = {name.casefold(): "user", **{h.strip().casefold(): "host" for h in hosts}}
        snapshots = LstatSnapshot.objects.filter(raw__isnull=False)
        _add(counts, LstatSnapshot, _scrub_snapshots(snapshots, lambda key, text: text.strip().casefold() in theirs))
        _changed_data()
    alias = pseudonym("user", name)
    # the name itself is not logged: that would keep what was just erased
    log.info(
        "A person was forgotten: now %s everywhere (%s host names); rows rewritten: %s",
        alias,
        len(hosts),
        summary(counts),
    )
    _audit("forgot a person", alias, {**counts, "host names": len(hosts)})
    return alias, counts


def _rewrite(rows, stored, name, kind):
    """Replace each real name in field `name` of `rows` by its pseudonym: one UPDATE per distinct name."""
    real = rows.exclude(**{name: ""}).exclude(**{f"{name}__regex": f"^{PATTERN.pattern}$"})
    count = 0
    for value in list(real.values_list(name, flat=True).distinct().order_by(name)):
        alias = pseudonym(kind, value)
        update = {name: alias}
        for key, repeats in stored.raw.items():  # the vendor's record says the same name: it goes too
            if repeats == name:
                update["raw"] = Func(
                    F("raw"), Value(f"$.{key}"), Value(alias), function="JSON_REPLACE", output_field=JSONField()
                )
        count += real.filter(**{name: value}).update(**update)
    return count


def _scrub_snapshots(snapshots, is_name):
    """Pseudonymise, in answers kept raw, the string values under name keys for which `is_name(key, value)`."""
    count = 0
    for snapshot in snapshots.only("pk", "raw").iterator(chunk_size=200):
        scrubbed = _scrub(snapshot.raw, is_name)
        if scrubbed != snapshot.raw:
            LstatSnapshot.objects.filter(pk=snapshot.pk).update(raw=scrubbed)
            count += 1
    return count


def _scrub(value, is_name, key=""):
    if isinstance(value, dict):
        return {k: _scrub(v, is_name, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, is_name, key) for v in value]
    kind = RAW_NAME_KEYS.get(key.lower())
    if kind and isinstance(value, str) and value and is_name(key, value):
        return pseudonym(kind, value)
    return value


def _add(counts, stored, count):
    model = getattr(stored, "model", stored)
    if count:
        counts[model.__name__] = counts.get(model.__name__, 0) + count


def summary(counts):
    return ", ".join(f"{table} {count}" for table, count in counts.items()) or "none"


def _changed_data():
    """Cached report rows hold the names: the next request reads the rewritten rows (reports/cache.py)."""
    Source.objects.filter(kind__in=["lstat", "metering"]).update(data_version=F("data_version") + 1)


def _audit(action, target, counts):
    from dashboard.privacy.audit import record

    record(action, target_type="person", target_repr=target, changes=counts)
