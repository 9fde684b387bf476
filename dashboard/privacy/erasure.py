"""People's names in stored vendor rows: kept PERSONAL_DATA_DAYS, and erased on request (forget_person).

Either way a name is replaced by its pseudonym (dashboard/privacy/pseudonyms.py), so the rows keep their
counts, licenses and hours, reports keep adding them up, and a pseudonymised person stays one person.
Where names are stored each vendor declares (`Vendor.personal_data`: its STORED models and the RAW answers it
keeps in shapes it does not document, scrubbed of the values under their name keys).
"""

import logging
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.db.models import F, Func, JSONField, Q, Value
from django.utils import timezone

from dashboard.privacy.pseudonyms import PATTERN, pseudonym
from ingest.models import Source
from ingest.vendors import VENDORS

log = logging.getLogger(__name__)

# Keys of vendor answers kept raw whose values are user or host names.
RAW_NAME_KEYS = {"un": "user", "user": "user", "username": "user", "hn": "host", "host": "host", "hostname": "host"}


def _declared():
    """[(kind, its personal data module)] of every vendor that stores people's names."""
    return [(vendor.kind, import_module(vendor.personal_data)) for vendor in VENDORS if vendor.personal_data]


def stored():
    return [entry for _kind, module in _declared() for entry in module.STORED]


def kept_raw():
    return [entry for _kind, module in _declared() for entry in module.RAW]


def forget_old_personal_data(days=None, *, now=None):
    """Pseudonymise the names of rows older than `days` (PERSONAL_DATA_DAYS); {table: rows rewritten}."""
    days = settings.PERSONAL_DATA_DAYS if days is None else days
    if not days:
        return {}
    cutoff = (now or timezone.now()) - timedelta(days=days)
    counts = {}
    with transaction.atomic():
        for entry in stored():
            rows = entry.model._base_manager.filter(**{f"{entry.age}__lt": cutoff})
            for name, kind in entry.names.items():
                _add(counts, entry, _rewrite(rows, entry, name, kind))
        for raw in kept_raw():
            old_raw = raw.model.objects.filter(**{f"{raw.age}__lt": cutoff}, raw__isnull=False)
            _add(counts, raw.model, _scrub_raw(old_raw, lambda key, text: key.lower() in RAW_NAME_KEYS))
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
        hosts = set()  # the hosts of the person's rows that name a user and a host (sessions)
        for entry in stored():
            if {"user", "host"} <= set(entry.names):
                rows = entry.model._base_manager.filter(user__iexact=name).exclude(host="")
                hosts |= set(rows.values_list("host", flat=True).order_by())
        for entry in stored():
            rows = entry.model._base_manager.all()
            if "user" in entry.names:
                _add(counts, entry, _rewrite(rows.filter(user__iexact=name), entry, "user", "user"))
            if "host" in entry.names and hosts:
                matches = Q()
                for host in hosts:
                    matches |= Q(host__iexact=host)
                _add(counts, entry, _rewrite(rows.filter(matches), entry, "host", "host"))
        theirs = {name.casefold(): "user", **{h.strip().casefold(): "host" for h in hosts}}
        for raw in kept_raw():
            answers = raw.model.objects.filter(raw__isnull=False)
            _add(counts, raw.model, _scrub_raw(answers, lambda key, text: text.strip().casefold() in theirs))
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


def _scrub_raw(answers, is_name):
    """Pseudonymise, in answers kept raw, the string values under name keys for which `is_name(key, value)`."""
    count = 0
    for answer in answers.only("pk", "raw").iterator(chunk_size=200):
        scrubbed = _scrub(answer.raw, is_name)
        if scrubbed != answer.raw:
            answers.model.objects.filter(pk=answer.pk).update(raw=scrubbed)
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
    kinds = [kind for kind, _module in _declared()]
    Source.objects.filter(kind__in=kinds).update(data_version=F("data_version") + 1)


def _audit(action, target, counts):
    from dashboard.privacy.audit import record

    record(action, target_type="person", target_repr=target, changes=counts)
