"""The audit log: who changed what that matters, recorded by signals on the models listed in AUDITED.

Every save or delete of an audited model, from the admin, a page, a command or the API, leaves an AuditEntry
with the fields that changed (old and new values; a secret only as "(changed)"); so do changes of a user's
groups and permissions (their role, and the "see names" permission), raw downloads and imports (`record`),
and forget_person and the retention schedule. The actor is the signed-in user of the request
(AuditActorMiddleware), else the management command that runs, else "system".
"""

import contextvars
import sys
from datetime import date, datetime, time
from decimal import Decimal

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

# What is audited: model label -> the fields that matter (None: every field an admin can edit).
# A new model that matters is one line here.
AUDITED = {
    "ingest.Source": None,
    "reports.Entitlement": None,
    "reports.AlertRule": None,
    "reports.Subscription": None,
    "auth.User": ("username", "is_active", "is_staff", "is_superuser"),
    "auth.Group": ("name",),
}
# Values never written into the log, whatever the model: only that they changed.
SECRET_WORDS = ("password", "token", "secret", "key")
CHANGED = "(changed)"

_request = contextvars.ContextVar("audit_request", default=None)


class AuditActorMiddleware:
    """Makes the request's user the actor of whatever the request changes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def record(action, *, target=None, target_type="", target_repr="", changes=None, detail="", actor=None):
    """Write one entry; `target` is a model instance (or give its type and text)."""
    from dashboard.privacy.models import AuditEntry

    user = actor if actor is not None else _current_user()
    return AuditEntry.objects.create(
        actor=user if user is not None and user.pk else None,
        actor_name=user.get_username() if user is not None and user.pk else _process_name(),
        action=action,
        target_type=target._meta.label if target is not None else target_type,
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target=(str(target) if target is not None else target_repr)[:300],
        changes=changes or {},
        detail=detail,
    )


def _current_user():
    request = _request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _process_name():
    if _request.get() is not None:
        return "sign-in"  # a request nobody is signed in to: a sign-in copying a directory's role
    if len(sys.argv) > 1 and sys.argv[0].endswith("manage.py") and sys.argv[1] != "qcluster":
        return f"command {sys.argv[1]}"[:150]
    return "system"


def _fields(model):
    chosen = AUDITED[model._meta.label]
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and (f.name in chosen if chosen is not None else f.editable)
    ]


def _value(instance, field):
    value = getattr(instance, field.attname)
    if isinstance(value, (datetime, date, time, Decimal)):
        return str(value)
    return value


def _is_secret(field):
    return any(word in field.name.lower() for word in SECRET_WORDS) or type(field).__name__.startswith("Encrypted")


def _before(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._audit_before = None
    if raw or instance.pk is None:
        return
    fields = _fields(sender)
    if update_fields is not None and not {f.name for f in fields} & set(update_fields):
        instance._audit_skip = True  # a save of bookkeeping fields only (an alert's state, a send time)
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = {f.name: _value(old, f) for f in fields} if old is not None else None


def _after(sender, instance, created, raw=False, **kwargs):
    if raw or getattr(instance, "_audit_skip", False):
        instance._audit_skip = False
        return
    before = getattr(instance, "_audit_before", None)
    changes = {}
    for field in _fields(sender):
        new = _value(instance, field)
        old = None if before is None else before.get(field.name)
        if created or before is None or old != new:
            if _is_secret(field):
                if created and not new:
                    continue
                changes[field.name] = CHANGED
            else:
                changes[field.name] = new if created else [old, new]
    if created or changes:
        record("created" if created else "changed", target=instance, changes=changes)


def _deleted(sender, instance, **kwargs):
    record("deleted", target=instance)


def _m2m(sender, instance, action, model, pk_set, reverse, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # group.user_set.add(user): the group's members changed
        field = str(model._meta.verbose_name_plural)
    else:
        field = next(f.name for f in type(instance)._meta.many_to_many if f.remote_field.through is sender)
    names = sorted(str(o) for o in model._base_manager.filter(pk__in=pk_set or ())) if pk_set else []
    verb = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
    record(f"{field} {verb}", target=instance, changes={field: names})


def connect():
    for label in AUDITED:
        model = apps.get_model(label)
        uid = f"audit:{label}"
        pre_save.connect(_before, sender=model, dispatch_uid=uid)
        post_save.connect(_after, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
        for m2m in model._meta.many_to_many:  # a user's groups and permissions, a group's permissions
            m2m_changed.connect(_m2m, sender=m2m.remote_field.through, dispatch_uid=f"{uid}:{m2m.name}")
